#!/usr/bin/env python3
"""Generates the command descriptions of cat1-config from commands.json (stdlib only).

Usage: python3 gen/gen.py && cargo fmt -p cat1-config   (from crates/cat1-config; reads gen/commands.json, a copy of
/work/shared/spec/commands.json, so the crate builds without the shared spec)

Writes, and nothing else:
  src/commands/<chapter>.rs   one module per manual chapter: a `CommandSpec` per command
  src/commands/mod.rs         `CommandId`, `ALL`, `find`
  src/keywords.rs             the enumerations the typed `Config` stores
  src/requests.rs             one type per command for the MCU side
  src/config/glue.rs          which `Config` fields each setting command reads and writes
  tests/data/defaults_table.rs the defaults of commands.json, one row per parameter (test data)

Nothing is transcribed by hand: the only hand-written knowledge here is the naming (enum type
names and `Config` field paths), in the two tables below.
"""
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
CRATE = HERE.parent
DOC = json.loads((HERE / "commands.json").read_text(encoding="utf-8"))
CMDS = DOC["commands"]

CHAPTER_MOD = {"general": "general", "information": "information", "security": "security",
               "serial": "serial", "network": "network", "socket-backup": "socket_backup",
               "registration": "registration", "heartbeat": "heartbeat", "httpd": "httpd",
               "sms": "sms", "ntp": "ntp", "gps": "gps"}
CHAPTER_VARIANT = {k: "".join(w.capitalize() for w in v.split("_")) for k, v in CHAPTER_MOD.items()}

# Enumerations, keyed by their value set (order-independent: AT+HEART lists HEARTTP's values
# in another order). ON/OFF is stored as bool.
ENUMS = {
    frozenset(["CMD", "NET", "HTTPD", "SMS"]): ("WorkMode", "The work mode (`AT+WKMOD`)."),
    frozenset(["NONE", "ODD", "EVEN"]): ("Parity", "UART parity (`AT+UART`)."),
    frozenset(["NONE"]): ("FlowControl", "UART flow control (`AT+UART`): none is the only one."),
    frozenset(["TCP", "UDP"]): ("Protocol", "Socket protocol (`AT+SOCKx`)."),
    frozenset(["LONG", "SHORT"]): ("ConnectionMode", "Long or short connection (`AT+SOCKASL`)."),
    frozenset(["ICCID", "IMEI", "SN", "USER", "CLOUD"]):
        ("RegistrationKind", "What the registration packet carries (`AT+REGTP`)."),
    frozenset(["LINK", "DATA", "LINK&DATA"]):
        ("RegistrationSend", "When the registration packet is sent (`AT+REGSND`)."),
    frozenset(["COM", "NET"]):
        ("HeartbeatTarget", "Where heartbeats go (`AT+HEARTTP`; errata #17: NET = server)."),
    frozenset(["ICCID", "IMEI", "SN", "USER", "LBS"]):
        ("HeartbeatSource", "What a heartbeat carries (`AT+HEARTSORT`)."),
    frozenset(["GET", "POST"]): ("HttpMethod", "HTTP request method (`AT+HTPTP`)."),
}
ON_OFF = frozenset(["ON", "OFF"])

# Config field paths per setting command, one per parameter (see src/config/mod.rs).
def sock(i):
    return f"sockets[{i}]"

FIELDS = {
    "E": ["echo"], "WKMOD": ["work_mode"], "CMDPW": ["command_password"],
    "STMSG": ["startup_message"], "RSTIM": ["no_data_restart_s"],
    "SDPEN": ["socket_distribution"], "NATEN": ["network_at"], "UATEN": ["serial_at"],
    "CACHEN": ["cache"],
    "SAFEATEN": ["login_required"], "SIGNINAT": ["login_password"],
    "UART": ["uart.baud", "uart.data_bits", "uart.stop_bits", "uart.parity", "uart.flow"],
    "UARTFL": ["uart.pack_len"], "UARTFT": ["uart.pack_time_ms"],
    "APN": ["apn.apn", "apn.username", "apn.password", "apn.auth"],
    "SOCKASL": ["socket_a_mode"], "SHORTATM": ["short_timeout_s"],
    "SOCKRSNUM": ["reconnect_limit"], "SOCKRSTIM": ["reconnect_interval_s"],
    "REGEN": ["registration.enabled"], "REGTP": ["registration.kind"],
    "REGDT": ["registration.data"], "REGSND": ["registration.send"],
    "CLOUD": ["registration.cloud_id", "registration.cloud_password"],
    "HEARTEN": ["heartbeat.enabled"], "HEARTTP": ["heartbeat.target"],
    "HEARTDT": ["heartbeat.data"], "HEARTTM": ["heartbeat.interval_s"],
    "HEARTSORT": ["heartbeat.source"],
    "HEART": ["heartbeat.enabled", "heartbeat.target", "heartbeat.source",
              "heartbeat.interval_s", "heartbeat.data"],
    "HTPTP": ["http.method"], "HTPURL": ["http.url"], "HTPHD": ["http.header"],
    "HTPSV": ["http.server_address", "http.server_port"], "HTPPK": ["http.body_only"],
    "HTPTIM": ["http.timeout_s"],
    "DSTNUM": ["sms.destination"], "SMSFLT": ["sms.filter"],
    "NTPSVR": ["ntp.server", "ntp.more_servers[0]", "ntp.more_servers[1]",
               "ntp.more_servers[2]"],
    "NTPEN": ["ntp.enabled"], "NTPTM": ["ntp.interval_min"],
    "GPS": ["gps.enabled"], "GPSOUT": ["gps.append_to_heartbeat"],
}
for i, x in enumerate("ABCD"):
    FIELDS[f"SOCK{x}"] = [f"{sock(i)}.protocol", f"{sock(i)}.address", f"{sock(i)}.port"]
    FIELDS[f"SOCK{x}EN"] = [f"{sock(i)}.enabled"]
    FIELDS[f"KEEPALIVE{x}"] = [f"{sock(i)}.keepalive.enabled", f"{sock(i)}.keepalive.idle_s",
                               f"{sock(i)}.keepalive.interval_s", f"{sock(i)}.keepalive.count"]
    FIELDS[f"SOCK{x}BK"] = [f"{sock(i)}.backup_address", f"{sock(i)}.backup_port"]
    FIELDS[f"SOCK{x}BKEN"] = [f"{sock(i)}.backup_enabled"]

# The two CCLK patterns as templates: 9 a digit, + a sign (+ or -), anything else itself.
TEMPLATES = {r"^\d{2}/\d{2}/\d{2}$": "99/99/99", r"^\d{2}:\d{2}:\d{2}[+-]\d{2}$": "99:99:99+99"}
CHARSET = {None: "Any", "letters, digits, underscore": "Word", "digits": "Digits",
           "digits, A-F": "DigitsUpperHex", "hex digits": "HexDigits"}


def rs(s):
    """A Rust string literal."""
    return json.dumps(s, ensure_ascii=False)


def camel(word):
    return "".join(p.capitalize() for p in re.split(r"[^A-Za-z0-9]+", word.replace("&", " and ")) if p)


def ident(name):
    return "AT" if name == "" else name


def variant(name):
    return "At" if name == "" else name.capitalize()


def is_setting(c):
    return "set" in c["forms"] and all(
        p["default"] is not None or p.get("if_omitted") == "absent" for p in c["params"])


def render_range(p):
    t = p["type"]
    if t == "enum":
        body = ",".join(p["values"])
    elif t in ("int", "port"):
        body = ",".join(str(a) if a == b else f"{a}~{b}" for a, b in p["ranges"])
        if p.get("unit") and p.get("unit_in_test", True):
            body += f"({p['unit']})"
    elif t in ("string", "host", "hex"):
        lo, hi = p["len"] if t != "hex" else p["bytes"]
        body = f"{lo} bytes" if lo == hi else f"{lo}~{hi} bytes"
    else:
        body = p["name"]
    return f"<{body}>"


def kind(p):
    t = p["type"]
    if t == "enum":
        return "ParamKind::Keyword(&[" + ", ".join(rs(v) for v in p["values"]) + "])"
    if t in ("int", "port"):
        ranges = ", ".join(f"({a}, {b})" for a, b in p["ranges"])
        unit = f"Some({rs(p['unit'])})" if p.get("unit") else "None"
        shown = "true" if p.get("unit") and p.get("unit_in_test", True) else "false"
        return f"ParamKind::Int {{ ranges: &[{ranges}], unit: {unit}, unit_in_test: {shown} }}"
    if t == "string" and "pattern" in p:
        return f"ParamKind::Template({rs(TEMPLATES[p['pattern']])})"
    if t in ("string", "host"):
        cs = "Host" if t == "host" else CHARSET[p.get("charset")]
        return f"ParamKind::Text {{ min: {p['len'][0]}, max: {p['len'][1]}, charset: Charset::{cs} }}"
    if t == "hex":
        return f"ParamKind::Hex {{ min_bytes: {p['bytes'][0]}, max_bytes: {p['bytes'][1]} }}"
    raise SystemExit(f"no kind for {p}")


def default(p):
    d = p["default"]
    if d is None:
        return "DefaultValue::None"
    if p.get("default_unset"):
        return "DefaultValue::Unset"
    if isinstance(d, int):
        return f"DefaultValue::Int({d})"
    if p["type"] == "enum":
        return f"DefaultValue::Keyword({rs(d)})"
    return f"DefaultValue::Text({rs(d)})"


def omitted(p):
    if not p["optional"]:
        return "Omitted::Required"
    return {"keep_current": "Omitted::KeepCurrent", "factory_default": "Omitted::FactoryDefault",
            "absent": "Omitted::Absent"}[p["if_omitted"]]


def forms(c):
    return " | ".join(f"Forms::{f.upper()}.0" for f in c["forms"])


HEADER = "// @generated by gen/gen.py from gen/commands.json: do not edit; run `python3 gen/gen.py`.\n"


def write(path, text):
    (CRATE / path).parent.mkdir(parents=True, exist_ok=True)
    (CRATE / path).write_text(text, encoding="utf-8")


def chapter_module(ch, cmds):
    title = {"general": "General commands (manual 4.1-4.16)",
             "information": "Information inquiry (manual 4.17-4.26)",
             "security": "Security commands (manual 4.27-4.28)",
             "serial": "Serial interface (manual 4.29-4.31)",
             "network": "Network connection (manual 4.32-4.52)",
             "socket-backup": "Socket backup (manual 4.53-4.60)",
             "registration": "Registration packet (manual 4.61-4.65)",
             "heartbeat": "Heartbeat packet (manual 4.66-4.71)",
             "httpd": "HTTPD client (manual 4.72-4.77)",
             "sms": "SMS (manual 4.78-4.79)",
             "ntp": "SNTP (manual 4.80-4.82)",
             "gps": "GPS (protocol-notes 12: project-defined, no Cat-1 source)"}[ch]
    out = [f"//! {title}.", HEADER, "use crate::spec::*;", ""]
    for c in cmds:
        tr = c["test_response"]
        rendered = f"+{c['name']}:" + ",".join(render_range(p) for p in c["params"])
        irregular = tr is not None and tr != rendered
        out.append(f"/// `AT{'+' if c['name'] else ''}{c['name']}` ({c['section']}): {c['function']}.")
        out.append(f"pub static {ident(c['name'])}: CommandSpec = CommandSpec {{")
        out.append(f"    id: CommandId::{variant(c['name'])},")
        out.append(f"    name: {rs(c['name'])},")
        out.append(f"    section: {rs(c['section'])},")
        out.append(f"    chapter: Chapter::{CHAPTER_VARIANT[ch]},")
        out.append(f"    function: {rs(c['function'])},")
        out.append(f"    forms: Forms({forms(c)}),")
        out.append(f"    setting: {'true' if is_setting(c) else 'false'},")
        if irregular:
            out.append("    // The manual's own wording (errata #34), which the typed rendering does not give.")
        out.append(f"    test_wording: {'Some(' + rs(tr) + ')' if irregular else 'None'},")
        out.append("    params: &[")
        for p in c["params"]:
            out.append("        ParamSpec {")
            out.append(f"            name: {rs(p['name'])},")
            out.append(f"            doc: {rs(p['doc'])},")
            out.append(f"            kind: {kind(p)},")
            out.append(f"            omitted: {omitted(p)},")
            out.append(f"            default: {default(p)},")
            out.append("        },")
        out.append("    ],")
        out.append("};")
        out.append("")
    return "\n".join(out)


def config_structs():
    """The struct definitions of src/config/mod.rs (the one source of the layout): name to
    [(field, type)] in declaration order."""
    src = (CRATE / "src/config/mod.rs").read_text(encoding="utf-8")
    structs = {}
    for m in re.finditer(r"pub struct (\w+) \{(.*?)\n\}", src, re.S):
        structs[m.group(1)] = re.findall(r"^\s*pub (\w+): (.+),$", m.group(2), re.M)
    return structs


STRUCTS = config_structs()
ENUM_NAMES = {name for name, _ in ENUMS.values()}


def leaf_kind(ty):
    """The `FieldRef` variant of a leaf type, or None for a struct or an array."""
    if ty == "Option<Text<100>>":
        return "OptText"
    if re.fullmatch(r"Text<\d+>", ty):
        return "Text"
    if ty in ("bool", "u8", "u16", "u32"):
        return {"bool": "Bool", "u8": "U8", "u16": "U16", "u32": "U32"}[ty]
    if ty in ENUM_NAMES:
        return "Keyword"
    if ty in STRUCTS or re.fullmatch(r"\[(.+); (\d+)\]", ty):
        return None
    raise SystemExit(f"no field kind for {ty}")


def config_fields(path="", ty="Config"):
    """The leaf fields of `ty` in declaration order (serde's, so postcard's), as (path, kind)."""
    arr = re.fullmatch(r"\[(.+); (\d+)\]", ty)
    if arr:
        return [f for i in range(int(arr.group(2))) for f in config_fields(f"{path}[{i}]", arr.group(1))]
    if ty in STRUCTS:
        return [f for name, t in STRUCTS[ty] for f in config_fields(f"{path}.{name}" if path else name, t)]
    return [(path, leaf_kind(ty))]


def snake(name):
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def accessors(shared):
    """`field` (or `field_mut`) of `Config` and of every struct type kept in an array: one arm
    per leaf, except that an array is one arm (its element's accessor, or `get`)."""
    ref, get, sfx, ret = ("&", "get", "", "FieldRef") if shared else ("&mut ", "get_mut", "_mut", "FieldMut")
    view = "view" if shared else "view_mut"
    todo, done, fns = ["Config"], set(), []
    while todo:
        top = todo.pop(0)
        if top in done:
            continue
        done.add(top)
        arms = []

        def walk(expr, ty, start):
            arr = re.fullmatch(r"\[(.+); (\d+)\]", ty)
            k = leaf_kind(ty)
            if arr:
                elem, n = arr.group(1), int(arr.group(2))
                size = len(config_fields("", elem))
                last = start + n * size - 1
                if leaf_kind(elem):
                    tail = f".{view}()" if leaf_kind(elem) == "Text" else ""
                    arms.append(f"        {start}..={last} => {ret}::{leaf_kind(elem)}({expr}.{get}(i - {start})?{tail}),")
                else:
                    todo.append(elem)
                    arms.append(f"        {start}..={last} => {{")
                    arms.append(f"            let j = i - {start};")
                    arms.append(f"            return {snake(elem)}_field{sfx}({expr}.{get}(j / {size})?, j % {size});")
                    arms.append("        }")
                return start + n * size
            if k is None:
                for name, t in STRUCTS[ty]:
                    start = walk(f"{expr}.{name}", t, start)
                return start
            if k == "Text":
                arms.append(f"        {start} => {ret}::Text({expr}.{view}()),")
            else:
                arms.append(f"        {start} => {ret}::{k}({ref}{expr}),")
            return start + 1

        walk("cfg", top, 0)
        name = "field" if top == "Config" else f"{snake(top)}_field"
        if top == "Config":
            fns.append(f"/// Leaf field `i` of `cfg`{', writable' if not shared else ''}.")
            fns.append("#[inline(never)]")
        else:
            fns.append(f"/// Leaf field `i` of one `{top}`.")
        fns.append(f"pub(crate) fn {name}{sfx}(cfg: {ref}{top}, i: usize) -> Option<{ret}<'_>> {{")
        fns.append("    Some(match i {")
        fns += arms
        fns += ["        _ => return None,", "    })", "}", ""]
    return fns


def glue():
    fields = config_fields()
    index = {path: i for i, (path, _) in enumerate(fields)}
    used = set()
    first, params = [], []
    for c in CMDS:
        first.append(len(params))
        if not is_setting(c):
            continue
        fs = FIELDS[c["name"]]
        assert len(fs) == len(c["params"]), c["name"]
        for f in fs:
            params.append(index[f])
            used.add(f)
    first.append(len(params))
    missing = [p for p, _ in fields if p not in used]
    assert not missing, f"fields no command writes: {missing}"
    assert len(fields) < 256 and len(params) < 256

    out = ["//! Where the settings are stored: every leaf field of `Config` in declaration order (the",
           "//! order postcard, through serde, writes them, which persistence keeps), and which of them",
           "//! each setting command's parameters are.", HEADER,
           "use super::field::{FieldMut, FieldRef};",
           "use super::{" + ", ".join(sorted(set(re.findall(r"cfg: &(\w+)", "\n".join(accessors(True)))))) + "};",
           "use crate::commands::COUNT;", "",
           "/// The number of leaf fields.",
           f"pub(crate) const FIELDS: usize = {len(fields)};", "",
           "/// The field of every setting parameter, command after command.",
           f"pub(crate) static PARAM_FIELDS: [u8; {len(params)}] = [" + ", ".join(map(str, params)) + "];", "",
           "/// Where each command's entries in [`PARAM_FIELDS`] start, by `CommandId as usize` (the next",
           "/// entry is where they end; none for a command that is not a setting).",
           "pub(crate) static FIRST_PARAM: [u8; COUNT + 1] = [" + ", ".join(map(str, first)) + "];", ""]
    out += accessors(True)
    out += accessors(False)
    return "\n".join(out)


def main():
    by_ch = {}
    for c in CMDS:
        by_ch.setdefault(c["chapter"], []).append(c)
    for ch, cmds in by_ch.items():
        write(f"src/commands/{CHAPTER_MOD[ch]}.rs", chapter_module(ch, cmds))

    # commands/mod.rs
    out = ["//! The command descriptions, one module per chapter of the manual.", HEADER]
    for ch in CHAPTER_MOD.values():
        out.append(f"pub mod {ch};")
    out.append("")
    out.append("use crate::spec::CommandSpec;")
    out.append("")
    out.append("/// Every command, one variant each, in manual order (sections 4.1-4.82, then GPS).")
    out.append("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]")
    out.append("#[cfg_attr(feature = \"defmt\", derive(defmt::Format))]")
    out.append("#[cfg_attr(feature = \"serde\", derive(serde::Serialize, serde::Deserialize))]")
    out.append("pub enum CommandId {")
    for c in CMDS:
        out.append(f"    /// `AT{'+' if c['name'] else ''}{c['name']}`")
        out.append(f"    {variant(c['name'])},")
    out.append("}")
    out.append("")
    out.append(f"/// The number of commands: the manual's 82 sections and the 3 GPS commands.")
    out.append(f"pub const COUNT: usize = {len(CMDS)};")
    out.append("")
    out.append("/// Every command description, in manual order.")
    out.append("pub static ALL: [&CommandSpec; COUNT] = [")
    for c in CMDS:
        out.append(f"    &{CHAPTER_MOD[c['chapter']]}::{ident(c['name'])},")
    out.append("];")
    out.append("")
    out.append("impl CommandId {")
    out.append("    /// The description of this command.")
    out.append("    pub const fn spec(self) -> &'static CommandSpec {")
    out.append("        match self {")
    for c in CMDS:
        out.append(f"            CommandId::{variant(c['name'])} => &{CHAPTER_MOD[c['chapter']]}::{ident(c['name'])},")
    out.append("        }")
    out.append("    }")
    out.append("}")
    out.append("")
    write("src/commands/mod.rs", "\n".join(out))

    # keywords.rs
    out = ["//! The enumerations a `Config` stores; keywords in the manual's spelling.", HEADER,
           "use crate::config::field::{Keyword, KeywordSlot};", ""]
    seen = set()
    for c in CMDS:
        if not is_setting(c):
            continue
        for p in c["params"]:
            if p["type"] != "enum" or frozenset(p["values"]) == ON_OFF:
                continue
            key = frozenset(p["values"])
            if key in seen:
                continue
            seen.add(key)
            tname, tdoc = ENUMS[key]
            dflt = p["default"]
            out.append(f"/// {tdoc}")
            out.append("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]")
            out.append("#[cfg_attr(feature = \"defmt\", derive(defmt::Format))]")
            out.append(f"pub enum {tname} {{")
            for v in p["values"]:
                out.append(f"    /// `{v}`")
                if v == dflt:
                    out.append("    #[default]")
                out.append(f"    {camel(v)},")
            out.append("}")
            out.append("")
            out.append(f"impl Keyword for {tname} {{")
            out.append(f"    const ALL: &'static [Self] = &[" + ", ".join(f"{tname}::{camel(v)}" for v in p["values"]) + "];")
            out.append("    fn keyword(self) -> &'static str {")
            out.append("        match self {")
            for v in p["values"]:
                out.append(f"            {tname}::{camel(v)} => {rs(v)},")
            out.append("        }")
            out.append("    }")
            out.append("}")
            out.append("")
            out.append(f"impl KeywordSlot for {tname} {{")
            out.append("    fn index(&self) -> usize {")
            out.append("        *self as usize")
            out.append("    }")
            out.append("    fn set_index(&mut self, index: usize) {")
            out.append("        if let Some(&v) = Self::ALL.get(index) {")
            out.append("            *self = v;")
            out.append("        }")
            out.append("    }")
            out.append("    fn keywords(&self) -> &'static [&'static str] {")
            out.append("        &[" + ", ".join(rs(v) for v in p["values"]) + "]")
            out.append("    }")
            out.append("}")
            out.append("")
    write("src/keywords.rs", "\n".join(out))

    # config/glue.rs
    write("src/config/glue.rs", glue())

    # requests.rs: one type per command
    out = ["//! One type per command, for the MCU side: see [`crate::request::Request`].", HEADER,
           "use crate::request::{Request, SetLineOf};", "use crate::spec::{Code, CommandSpec, Values};",
           "use cat1_at_parse::InfoLine;", ""]
    for c in CMDS:
        shown = f"AT{'+' if c['name'] else ''}{c['name']}"
        out.append(f"/// `{shown}` ({c['section']}): {c['function']}.")
        out.append("#[derive(Debug, Clone, Copy, PartialEq, Eq)]")
        out.append(f"pub struct {variant(c['name'])};")
        out.append("")
        out.append(f"impl Request for {variant(c['name'])} {{")
        out.append(f"    const SPEC: &'static CommandSpec = &crate::commands::{CHAPTER_MOD[c['chapter']]}::{ident(c['name'])};")
        # `set` is the default (`request::set_line` of SPEC): cat1-client's typed set calls that
        # with the description, one call for every type (see `Request::SET_SPEC`).
        out.append("    const SET_SPEC: Option<SetLineOf<Self>> = Some(SetLineOf::new(Self::SPEC));")
        if is_setting(c):
            # The line is this command's own (its QUERY_LINE is SPEC's): the name the framer
            # matched need not be compared again (see `Request::decode_info`).
            out.append("    const INFO_SPEC: Option<&'static CommandSpec> = Some(Self::SPEC);")
            out.append("")
            out.append("    fn decode_info(info: InfoLine<'_>) -> Result<Values<'_>, Code> {")
            out.append("        crate::request::decode_info(Self::SPEC, info)")
            out.append("    }")
        out.append("}")
        out.append("")
    write("src/requests.rs", "\n".join(out))

    # tests/data/defaults_table.rs: the defaults, copied as test data
    out = ["//! The defaults of commands.json (errata applied), one row per parameter: (command,",
           "//! parameter, default as written in a query answer, or None where there is none).",
           HEADER, "pub const DEFAULTS: &[(&str, &str, Option<&str>)] = &["]
    for c in CMDS:
        for p in c["params"]:
            d = p["default"]
            out.append(f"    ({rs(c['name'])}, {rs(p['name'])}, {'None' if d is None else 'Some(' + rs(str(d)) + ')'}),")
    out.append("];")
    out.append("")
    out.append("/// The factory query answers (`default_query_response`).")
    out.append("pub const FACTORY_QUERIES: &[(&str, &str)] = &[")
    for c in CMDS:
        if c["default_query_response"] is not None:
            out.append(f"    ({rs(c['name'])}, {rs(c['default_query_response'])}),")
    out.append("];")
    out.append("")
    out.append("/// The `=?` answers.")
    out.append("pub const TEST_RESPONSES: &[(&str, &str)] = &[")
    for c in CMDS:
        if c["test_response"] is not None:
            out.append(f"    ({rs(c['name'])}, {rs(c['test_response'])}),")
    out.append("];")
    write("tests/data/defaults_table.rs", "\n".join(out) + "\n")


if __name__ == "__main__":
    main()
