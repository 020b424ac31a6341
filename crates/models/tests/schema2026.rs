//! Payloads whose shape OKX changed in 2026 (2026-06-09: insurance fund and
//! `adl-warning`, "incompatible"): the deprecated values now come blank and
//! must read as absent, not fail.

use okx_models::api::public::GetInsuranceFundResponse;
use okx_models::ws::AdlWarningPush;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn insurance_fund_rows_with_the_adl_fields_blank() {
    let rows: Vec<GetInsuranceFundResponse> = serde_json::from_str(
        r#"[{"details":[{"adlType":"","amt":"1343.1308","balance":"1369179138.7489","ccy":"ETH",
              "maxBal":"","maxBalTs":"","decRate":"","ts":"1704883083000","type":"liquidation_balance_deposit"},
             {"adlType":"","amt":"","balance":"","ccy":"","maxBal":"","maxBalTs":"","ts":"","type":"adl"}],
            "instFamily":"ETH-USD","instType":"OPTION","total":"1369179138.7489"}]"#,
    )
    .unwrap();
    let d = &rows[0].details;
    assert_eq!(d[0].amt, Some(dec("1343.1308")));
    assert_eq!((d[0].max_bal, d[0].max_bal_ts), (None, None));
    assert_eq!(d[0].r#type, "liquidation_balance_deposit");
    assert_eq!(
        (d[1].balance, d[1].ts),
        (None, None),
        "a deprecated type comes blank"
    );
}

#[test]
fn adl_warning_pushes_with_the_insurance_fund_fields_blank() {
    let rows: Vec<AdlWarningPush> = serde_json::from_str(
        r#"[{"instType":"SWAP","instFamily":"BTC-USDT","state":"warning","bal":"280784384.95",
             "ccy":"","maxBal":"","maxBalTs":"","adlType":"","adlBal":"","adlRecBal":"",
             "decRate":"","adlRate":"","adlRecRate":"","ts":"1700210763001"}]"#,
    )
    .unwrap();
    assert_eq!(rows[0].state, "warning");
    assert_eq!(rows[0].bal, Some(dec("280784384.95")));
    assert_eq!((rows[0].max_bal, rows[0].max_bal_ts), (None, None));
    assert_eq!((rows[0].adl_bal, rows[0].adl_rec_bal), (None, None));
    assert_eq!(rows[0].ccy, "");
}
