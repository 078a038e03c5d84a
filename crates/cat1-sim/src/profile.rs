//! The simulated module's identity and radio: the manual's example values by default
//! (issue 5), each overridable by a flag or a `key = "value"` line of a profile file.

/// Identity, radio and position values the simulated module reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// `AT+SN?`.
    pub sn: String,
    /// `AT+IMEI?`.
    pub imei: String,
    /// `AT+ICCID?`.
    pub iccid: String,
    /// `AT+VER?`.
    pub ver: String,
    /// `AT+BUILD?`.
    pub build: String,
    /// `AT+CSQ`: rssi.
    pub rssi: u8,
    /// `AT+CSQ`: ber.
    pub ber: u8,
    /// `AT+SYSINFO?`: `LTE`, `GSM` or `NONE`.
    pub sysinfo: String,
    /// `AT+CIP?`.
    pub cip: [u8; 4],
    /// `AT+CNUM?`.
    pub cnum: String,
    /// `AT+LBS?`: location area code.
    pub lac: u32,
    /// `AT+LBS?`: cell id.
    pub cid: u32,
    /// `AT+LBS=1`: longitude.
    pub lng: String,
    /// `AT+LBS=1`: latitude.
    pub lat: String,
    /// `AT+LBS=2`: the address.
    pub address: String,
    /// `AT+LBSN?`: neighbour cells (tac, cell id).
    pub neighbours: Vec<(u32, u32)>,
    /// Whether the simulated GPS has a fix (at `lng`, `lat`).
    pub gps_fix: bool,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            sn: "00402420011300024522".into(),
            imei: "864333040712457".into(),
            iccid: "8986003615195A571314".into(),
            ver: "V1.1.01.000000.0000".into(),
            build: "2020-3-16 18:22:25".into(),
            rssi: 27,
            ber: 99,
            sysinfo: "LTE".into(),
            cip: [10, 1, 167, 22],
            cnum: "15112341234".into(),
            lac: 0x333e,
            cid: 3357906,
            lng: "114.43350220".into(),
            lat: "30.49159431".into(),
            address: "426 Gaoxin Avenue, Wuhan".into(),
            neighbours: vec![(0x5a30, 0xb2114b1), (0x5a30, 0x5d7e404)],
            gps_fix: false,
        }
    }
}

impl Profile {
    /// Sets one value by name (`sn`, `imei`, `csq=27,99`, `lac=333e`, ...). The names are the
    /// flags of the binary without `--` and the keys of a profile file.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let bad = || format!("bad value for {key}: {value:?}");
        let hex = |v: &str| u32::from_str_radix(v, 16).map_err(|_| bad());
        match key {
            "sn" => self.sn = value.into(),
            "imei" => self.imei = value.into(),
            "iccid" => self.iccid = value.into(),
            "ver" => self.ver = value.into(),
            "build" => self.build = value.into(),
            "csq" => {
                let (r, b) = value.split_once(',').ok_or_else(bad)?;
                self.rssi = r.trim().parse().map_err(|_| bad())?;
                self.ber = b.trim().parse().map_err(|_| bad())?;
            }
            "sysinfo" => {
                if !["LTE", "GSM", "NONE"].contains(&value) {
                    return Err(bad());
                }
                self.sysinfo = value.into();
            }
            "cip" => {
                let ip: std::net::Ipv4Addr = value.parse().map_err(|_| bad())?;
                self.cip = ip.octets();
            }
            "cnum" => self.cnum = value.into(),
            "lac" => self.lac = hex(value)?,
            "cid" => self.cid = value.parse().map_err(|_| bad())?,
            "lng" => self.lng = value.into(),
            "lat" => self.lat = value.into(),
            "address" => self.address = value.into(),
            "gps-fix" | "gps_fix" => self.gps_fix = value == "true" || value == "on",
            _ => return Err(format!("unknown profile key {key:?}")),
        }
        Ok(())
    }

    /// Reads a profile file: one `key = value` per line (a TOML subset: strings in double
    /// quotes or bare, `#` comments).
    pub fn load_file(&mut self, text: &str) -> Result<(), String> {
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
                continue;
            }
            let (k, v) = line
                .split_once('=')
                .ok_or_else(|| format!("line {}: expected key = value", i + 1))?;
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            self.set(k.trim(), v)
                .map_err(|e| format!("line {}: {e}", i + 1))?;
        }
        Ok(())
    }
}
