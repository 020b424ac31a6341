//! `okx::instrument_lookup` asks okx-rest for one instrument, so a WS order
//! can refresh an `instIdCode` a relisting made stale.

use okx::ws::InstrumentSource;
use okx_testkit::rest::MockOkx;

#[tokio::test]
async fn looks_one_instrument_up_by_its_type_and_id() {
    let okx = MockOkx::builder().rate_limits(false).start().await;
    okx.set_response(
        "GET",
        "/api/v5/public/instruments",
        200,
        r#"{"code":"0","msg":"","data":[{"instType":"SPOT","instId":"XAU-USDT","state":"live","listTime":"1760000000000","instIdCode":20002}]}"#,
    );
    let rest = okx::rest::RestClient::builder()
        .base_url(okx.base_url())
        .build()
        .unwrap();
    let source = okx::instrument_lookup(rest);
    let inst = source.lookup("XAU-USDT").await.unwrap();
    assert_eq!(inst.inst_id_code, Some(20002));
    let asked = okx.requests();
    assert_eq!(asked.len(), 1);
    assert!(asked[0].query.contains("instType=SPOT") && asked[0].query.contains("instId=XAU-USDT"));
    assert!(
        source.lookup("ETH-USDT").await.is_err(),
        "not in the answer: not listed"
    );
    let swap = source.lookup("BTC-USDT-SWAP").await;
    assert!(swap.is_err());
    assert!(okx.requests()[2].query.contains("instType=SWAP"));
}
