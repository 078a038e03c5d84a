//! The demo's chain checked end to end: what the server and the MCU saw.

#[test]
fn the_whole_chain_delivers_registration_heartbeat_data_and_network_at() {
    let outcome = cat1_demo::run(std::time::Duration::from_secs(90)).unwrap();
    // The simulator's IMEI (the manual's example, issue 5).
    assert_eq!(outcome.registration.as_deref(), Some("864333040712457"));
    assert!(outcome.heartbeats >= 1);
    assert_eq!(
        outcome.data[..3],
        [
            "temperature=21.1 seq=1",
            "temperature=21.2 seq=2",
            "temperature=21.3 seq=3"
        ]
    );
    assert!(outcome.downlink.contains("hello device"));
    assert!(
        outcome
            .network_at
            .unwrap()
            .contains("+VER:V1.1.01.000000.0000")
    );
}
