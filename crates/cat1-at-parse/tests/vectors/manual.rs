//! Reads `manual.vectors` (the manual's examples, errata applied): shared by the test suites of
//! cat1-at-parse, cat1-config and cat1-sim through `#[path]`, so the format is parsed in one place.

/// One example: `== <section> <name>`, then its fields.
#[derive(Debug, Clone, Default)]
pub struct Vector {
    /// The block header: manual section and command name.
    pub section: String,
    /// The command line as sent.
    pub send: String,
    /// The command name the line holds (empty for plain `AT`).
    pub name: String,
    /// `bare`, `execute`, `query`, `test` or `set`.
    pub form: String,
    /// The parameters of a set command.
    pub params: Vec<String>,
    /// The answer lines, as the module sends them (no echo, no blank lines).
    pub recv: Vec<String>,
}

/// Every example, in manual order.
pub fn vectors() -> Vec<Vector> {
    let text = include_str!("manual.vectors");
    let mut out: Vec<Vector> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(section) = line.strip_prefix("== ") {
            out.push(Vector {
                section: section.to_string(),
                ..Vector::default()
            });
            continue;
        }
        let v = out.last_mut().expect("a field before the first block");
        let (key, value) = line
            .split_once(": ")
            .unwrap_or((line.trim_end_matches(':'), ""));
        match key {
            "send" => v.send = value.to_string(),
            "name" => v.name = value.to_string(),
            "form" => v.form = value.to_string(),
            "param" => v.params.push(value.to_string()),
            "recv" => v.recv.push(value.to_string()),
            other => panic!("unknown key {other:?} in {line:?}"),
        }
    }
    out
}
