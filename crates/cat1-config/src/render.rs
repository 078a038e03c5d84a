//! The module's answers rendered from a description: the `=?` text (errata #34) and the
//! parameter list of a query answer.

use cat1_at_parse::Writer;

use crate::spec::{CommandSpec, ParamKind, Value};

/// Writes the whole `=?` answer line, `+NAME:<...>,<...>`, without line ends.
///
/// The text is rendered from the typed parameters in the manual's style (`<ON,OFF>`,
/// `<0,60~65535(s)>`, `<1~100 bytes>`), except for the five commands whose manual wording is
/// irregular, which keep it ([`CommandSpec::test_wording`]).
pub fn write_test(spec: &CommandSpec, w: &mut Writer<'_>) {
    if let Some(wording) = spec.test_wording {
        w.put(wording.as_bytes());
        return;
    }
    write_prefix(spec, w);
    for (i, p) in spec.params.iter().enumerate() {
        if i > 0 {
            w.put_byte(b',');
        }
        w.put_byte(b'<');
        match p.kind {
            ParamKind::Keyword(keywords) => {
                for (j, k) in keywords.iter().enumerate() {
                    if j > 0 {
                        w.put_byte(b',');
                    }
                    w.put(k.as_bytes());
                }
            }
            ParamKind::Int {
                ranges,
                unit,
                unit_in_test,
            } => {
                for (j, &(lo, hi)) in ranges.iter().enumerate() {
                    if j > 0 {
                        w.put_byte(b',');
                    }
                    w.put_u32(lo);
                    if hi != lo {
                        w.put_byte(b'~');
                        w.put_u32(hi);
                    }
                }
                if let (Some(unit), true) = (unit, unit_in_test) {
                    w.put_byte(b'(');
                    w.put(unit.as_bytes());
                    w.put_byte(b')');
                }
            }
            ParamKind::Text { min, max, .. } => write_length(w, min, max),
            ParamKind::Hex {
                min_bytes,
                max_bytes,
            } => write_length(w, min_bytes, max_bytes),
            ParamKind::Template(t) => w.put(t.as_bytes()),
        }
        w.put_byte(b'>');
    }
}

fn write_length(w: &mut Writer<'_>, min: u16, max: u16) {
    w.put_u32(u32::from(min));
    if max != min {
        w.put_byte(b'~');
        w.put_u32(u32::from(max));
    }
    w.put(b" bytes");
}

/// Writes `+NAME:`.
pub fn write_prefix(spec: &CommandSpec, w: &mut Writer<'_>) {
    w.put_byte(b'+');
    w.put(spec.name.as_bytes());
    w.put_byte(b':');
}

/// Writes values as a parameter list: joined by `,`, keywords in their canonical spelling, absent
/// list entries left out (`AT+NTPSVR?` lists only the servers present). The same text serves as
/// a query answer after `+NAME:` and as the parameters of a set line.
pub fn write_values(values: &[Value<'_>], w: &mut Writer<'_>) {
    let mut first = true;
    for v in values {
        if matches!(v, Value::Absent | Value::Keep) {
            continue;
        }
        if !first {
            w.put_byte(b',');
        }
        first = false;
        match *v {
            Value::Keyword(k) => w.put(k.as_bytes()),
            Value::Int(n) => w.put_u32(n),
            Value::Text(t) => w.put(t),
            Value::Absent | Value::Keep => {}
        }
    }
}
