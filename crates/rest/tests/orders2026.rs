//! Order entry as OKX answers it in 2026: the new refusal codes (KYC,
//! cool-off, platform open-interest limit) are classified and never resent,
//! `subCode` reaches the caller, and RPI orders go out as OKX documents.

use std::time::Duration;

use okx_auth::Credentials;
use okx_models::trade::OrderRequest;
use okx_models::{CodeClass, OrdType, Side, TdMode};
use okx_rest::{OkxCode, RestClient, WriteOutcome};
use okx_testkit::rest::MockOkx;
use rust_decimal::Decimal;

fn client(okx: &MockOkx) -> RestClient {
    RestClient::builder()
        .base_url(okx.base_url())
        .credentials(Credentials::new(
            okx.api_key(),
            okx.secret(),
            okx.passphrase(),
        ))
        .retries(3, Duration::from_millis(20))
        .build()
        .expect("client builds")
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal literal")
}

fn order(sz: &str) -> OrderRequest {
    OrderRequest::limit("BTC-USDT-SWAP", Side::Buy, dec(sz), dec("42000.5")).td_mode(TdMode::Cross)
}

#[tokio::test]
async fn kyc_cool_off_and_open_interest_refusals_are_classified_and_sent_once() {
    let okx = MockOkx::start().await;
    okx.reject_orders_where(|o| {
        Some(match o["sz"].as_str()? {
            "1" => (59113, "KYC level 2 is required to place orders".to_owned()),
            "2" => (54094, "The instrument is in its cool-off period".to_owned()),
            "3" => (
                54031,
                "The platform open position limit has been reached".to_owned(),
            ),
            _ => return None,
        })
    });
    let c = client(&okx);
    for (sz, code, class) in [
        ("1", OkxCode::KYC_REQUIRED, CodeClass::AccountAction),
        ("2", OkxCode::COOL_OFF, CodeClass::RetryLater),
        ("3", OkxCode::PLATFORM_OI_LIMIT, CodeClass::RetryLater),
    ] {
        let before = okx.requests().len();
        let err = c.place(order(sz)).await.expect_err("refused");
        assert_eq!(err.okx_code(), Some(code), "{err}");
        assert_eq!(err.api().map(|e| e.class()), Some(class), "{code}");
        assert_eq!(err.write_outcome(), WriteOutcome::Rejected, "{code}");
        assert!(
            !err.is_retryable(),
            "{code} must not be resent by a retry loop"
        );
        assert_eq!(okx.requests().len(), before + 1, "{code} was sent once");
    }
    assert!(okx.orders().is_empty());
}

#[tokio::test]
async fn sub_code_of_a_refused_place_reaches_the_caller() {
    let okx = MockOkx::start().await;
    okx.set_response(
        "POST",
        "/api/v5/trade/order",
        200,
        r#"{"code":"1","msg":"All operations failed","data":[{"clOrdId":"s1","ordId":"","tag":"","ts":"1700000000000","sCode":"51008","sMsg":"Order failed. Insufficient USDT balance in account","subCode":"1"}],"inTime":"1","outTime":"2"}"#,
    );
    let err = client(&okx)
        .place(order("1").cl_ord_id("s1").expect("a valid clOrdId"))
        .await
        .expect_err("refused");
    let api = err.api().expect("an OKX answer");
    assert_eq!(api.items.len(), 1);
    assert_eq!(api.items[0].code, OkxCode::INSUFFICIENT_BALANCE);
    assert_eq!(api.items[0].sub_code.as_deref(), Some("1"));
}

#[tokio::test]
async fn rpi_maker_and_taker_orders_go_out_as_okx_documents() {
    let okx = MockOkx::start().await;
    let c = client(&okx);
    let maker = OrderRequest::rpi("BTC-USDT", Side::Sell, dec("0.01"), dec("43000"));
    assert_eq!(maker.ord_type, OrdType::Rpi);
    let _ = c.place(maker).await;
    let taker = OrderRequest::market("BTC-USDT", Side::Buy, dec("0.01")).rpi_taker_access(true);
    let _ = c.place(taker).await;
    let bodies: Vec<serde_json::Value> = okx
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v5/trade/order")
        .map(|r| serde_json::from_str(&r.body).expect("json body"))
        .collect();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0]["ordType"], "rpi");
    assert_eq!(bodies[0]["px"], "43000");
    assert!(bodies[0].get("rpiTakerAccess").is_none());
    assert_eq!(bodies[1]["ordType"], "market");
    assert_eq!(bodies[1]["rpiTakerAccess"], true);
}
