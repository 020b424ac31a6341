//! `GET /api/v5/market/books-sbe` answers with SBE bytes, not JSON:
//! `RestClient::send_raw` hands them over, and a JSON refusal stays an
//! OKX error.

use okx_rest::RestClient;
use okx_rest::api::market::GetBooksSbe;
use okx_testkit::rest::MockOkx;

#[tokio::test]
async fn the_sbe_snapshot_comes_back_as_bytes_and_refusals_as_errors() {
    let okx = MockOkx::builder().rate_limits(false).start().await;
    let client = RestClient::builder()
        .base_url(okx.base_url())
        .build()
        .unwrap();
    // An SBE frame starts with its little-endian header, not with `{`.
    let sbe = "\u{0018}\u{0000}\u{00ee}\u{0003}";
    okx.set_response("GET", "/api/v5/market/books-sbe", 200, sbe);
    let req = GetBooksSbe::new("12345", "0");
    let body = client.send_raw(&req).await.unwrap();
    assert_eq!(body, sbe.as_bytes());
    assert!(okx.requests()[0].query.contains("instIdCode=12345"));
    okx.set_response(
        "GET",
        "/api/v5/market/books-sbe",
        200,
        r#"{"code":"51000","msg":"Parameter instIdCode error","data":[]}"#,
    );
    let err = client.send_raw(&req).await.unwrap_err();
    assert_eq!(err.okx_code(), Some(okx_rest::OkxCode::PARAM_ERROR));
}
