//! The typed MCU-side requests.

mod common;

use cat1_config::request::{Request, RequestError};
use cat1_config::requests::*;
use cat1_config::{Code, Config, Model, Value};
use common::*;

fn line(r: Result<usize, RequestError>, buf: &[u8]) -> String {
    String::from_utf8(buf[..r.unwrap()].to_vec()).unwrap()
}

#[test]
fn lines_of_every_form() {
    let mut buf = [0u8; 700];
    assert_eq!(line(At::execute(&mut buf), &buf), "AT\r");
    assert_eq!(line(Z::execute(&mut buf), &buf), "AT+Z\r");
    assert_eq!(line(E::query(&mut buf), &buf), "AT+E?\r");
    assert_eq!(line(Rstim::test(&mut buf), &buf), "AT+RSTIM=?\r");
    assert_eq!(
        line(Lbs::set(&[Value::Int(2)], &mut buf), &buf),
        "AT+LBS=2\r"
    );
    assert_eq!(
        line(
            Heart::set(&[Value::Keyword("OFF"), Value::Keyword("COM")], &mut buf),
            &buf
        ),
        "AT+HEART=OFF,COM\r"
    );
    assert_eq!(Csq::test(&mut buf), Err(RequestError::NoSuchForm));
    assert_eq!(Z::query(&mut buf), Err(RequestError::NoSuchForm));
    assert_eq!(
        Ver::set(&[Value::Int(1)], &mut buf),
        Err(RequestError::NoSuchForm)
    );
    assert_eq!(
        Rstim::set(&[Value::Int(59)], &mut buf),
        Err(RequestError::InvalidValue)
    );
    assert_eq!(
        Sockabk::set(&[Value::Text(b""), Value::Int(1)], &mut buf),
        Err(RequestError::InvalidValue)
    );
    assert_eq!(E::set(&[], &mut buf), Err(RequestError::InvalidValue));
    let mut small = [0u8; 3];
    assert_eq!(
        E::query(&mut small),
        Err(RequestError::BufferTooSmall { needed: 6 })
    );
}

#[test]
fn answers_decode_tolerantly_and_restore_the_setting() {
    let mut buf = [0u8; 700];
    let v = Sockabk::decode_query(b"+SOCKABK: ,1").unwrap();
    assert_eq!(v.as_slice(), [Value::Text(b""), Value::Int(1)]);
    let v = Heart::decode_query(b"+HEART: on,net,\"USER\",30,7777").unwrap();
    assert_eq!(
        v.as_slice(),
        [
            Value::Keyword("ON"),
            Value::Keyword("NET"),
            Value::Keyword("USER"),
            Value::Int(30),
            Value::Text(b"7777")
        ]
    );
    // what the MCU decodes it can send back, and the module then answers the same
    let answer = "+UART: 9600,8,2,even,NONE";
    let v = Uart::decode_query(answer.as_bytes()).unwrap();
    let n = Uart::set(v.as_slice(), &mut buf).unwrap();
    let mut cfg = Config::factory(Model::Dr502);
    apply(&mut cfg, std::str::from_utf8(&buf[..n]).unwrap()).unwrap();
    assert_eq!(query(&cfg, "UART"), "+UART:9600,8,2,EVEN,NONE");
    assert_eq!(
        Uart::decode_query(b"+UART:9600,8,3,EVEN,NONE"),
        Err(Code(53))
    );
    assert_eq!(Uart::decode_query(b"+APN:CMNET,,,0"), Err(Code(58)));
    assert_eq!(Csq::decode_query(b"+CSQ:1,2"), Err(Code(58)));
    let v = Ntpsvr::decode_query(b"+NTPSVR:a.org").unwrap();
    assert_eq!(
        v.as_slice(),
        [
            Value::Text(b"a.org"),
            Value::Absent,
            Value::Absent,
            Value::Absent
        ]
    );
}

#[test]
fn every_factory_answer_decodes() {
    let cfg = Config::factory(Model::WhLte7s1);
    macro_rules! each {
        ($($t:ident),*) => {$(
            let answer = query(&cfg, <$t as Request>::SPEC.name);
            let v = $t::decode_query(answer.as_bytes()).unwrap();
            assert_eq!(v, cfg.values(<$t as Request>::SPEC.id).unwrap(), "{answer}");
        )*};
    }
    each!(
        E, Wkmod, Cmdpw, Stmsg, Rstim, Sdpen, Naten, Uaten, Cachen, Safeaten, Uart, Uartfl, Uartft,
        Apn, Socka, Sockb, Sockc, Sockd, Sockaen, Sockasl, Keepalivea, Shortatm, Sockrsnum,
        Sockrstim, Sockabk, Sockabken, Regen, Regtp, Regdt, Regsnd, Cloud, Hearten, Hearttp,
        Heartdt, Hearttm, Heartsort, Heart, Htptp, Htpurl, Htphd, Htpsv, Htppk, Htptim, Dstnum,
        Smsflt, Ntpsvr, Ntpen, Ntptm, Gps, Gpsout
    );
}
