//! How a stored field turns into a [`Value`] and back: the generated glue calls these, so that
//! the per-command code is only a list of field paths.

use core::fmt;

use crate::spec::Value;

/// An enumeration the configuration stores, with its keywords in the manual's spelling.
pub trait Keyword: Copy + PartialEq + 'static {
    /// Every variant, in the manual's order.
    const ALL: &'static [Self];
    /// The keyword the module answers.
    fn keyword(self) -> &'static str;
    /// The variant of a canonical keyword.
    fn from_keyword(keyword: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.keyword() == keyword)
    }
}

/// Text of at most `N` bytes, kept exactly as sent (errata #2).
///
/// `N` is the description's maximum length (twice the byte count for hex), so every value that
/// validates fits.
#[derive(Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Text<const N: usize>(heapless::Vec<u8, N>);

impl<const N: usize> Text<N> {
    /// Empty text.
    pub const fn new() -> Self {
        Text(heapless::Vec::new())
    }

    /// `bytes` as text, or `None` when longer than `N`.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        heapless::Vec::from_slice(bytes).ok().map(Text)
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether it is empty ("not configured" for the parameters that start that way).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Replaces the contents; returns false (unchanged) when `bytes` is longer than `N`.
    pub fn set(&mut self, bytes: &[u8]) -> bool {
        match heapless::Vec::from_slice(bytes) {
            Ok(v) => {
                self.0 = v;
                true
            }
            Err(_) => false,
        }
    }
}

impl<const N: usize> fmt::Debug for Text<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match core::str::from_utf8(&self.0) {
            Ok(s) => fmt::Debug::fmt(s, f),
            Err(_) => fmt::Debug::fmt(self.0.as_slice(), f),
        }
    }
}

#[cfg(feature = "defmt")]
impl<const N: usize> defmt::Format for Text<N> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{=[u8]:a}", self.0.as_slice())
    }
}

/// A stored field of [`crate::Config`].
pub(crate) trait Field {
    /// The current value.
    fn value(&self) -> Value<'_>;
    /// Whether `value` can be stored ([`Value::Keep`] always can).
    fn fits(&self, value: &Value<'_>) -> bool;
    /// Stores `value`; does nothing for [`Value::Keep`] or a value that does not fit.
    fn assign(&mut self, value: &Value<'_>);
}

impl<K: Keyword> Field for K {
    fn value(&self) -> Value<'_> {
        Value::Keyword(self.keyword())
    }
    fn fits(&self, value: &Value<'_>) -> bool {
        match value {
            Value::Keep => true,
            Value::Keyword(k) => K::from_keyword(k).is_some(),
            _ => false,
        }
    }
    fn assign(&mut self, value: &Value<'_>) {
        if let Value::Keyword(k) = value {
            if let Some(v) = K::from_keyword(k) {
                *self = v;
            }
        }
    }
}

/// `ON`/`OFF` settings are stored as `bool`.
impl Field for bool {
    fn value(&self) -> Value<'_> {
        Value::Keyword(if *self { "ON" } else { "OFF" })
    }
    fn fits(&self, value: &Value<'_>) -> bool {
        matches!(value, Value::Keep | Value::Keyword("ON" | "OFF"))
    }
    fn assign(&mut self, value: &Value<'_>) {
        match value {
            Value::Keyword("ON") => *self = true,
            Value::Keyword("OFF") => *self = false,
            _ => {}
        }
    }
}

macro_rules! int_field {
    ($($t:ty),*) => {$(
        impl Field for $t {
            fn value(&self) -> Value<'_> {
                Value::Int(u32::from(*self))
            }
            fn fits(&self, value: &Value<'_>) -> bool {
                match value {
                    Value::Keep => true,
                    Value::Int(n) => <$t>::try_from(*n).is_ok(),
                    _ => false,
                }
            }
            fn assign(&mut self, value: &Value<'_>) {
                if let Value::Int(n) = value {
                    if let Ok(n) = <$t>::try_from(*n) {
                        *self = n;
                    }
                }
            }
        }
    )*};
}
int_field!(u8, u16);

impl Field for u32 {
    fn value(&self) -> Value<'_> {
        Value::Int(*self)
    }
    fn fits(&self, value: &Value<'_>) -> bool {
        matches!(value, Value::Keep | Value::Int(_))
    }
    fn assign(&mut self, value: &Value<'_>) {
        if let Value::Int(n) = value {
            *self = *n;
        }
    }
}

impl<const N: usize> Field for Text<N> {
    fn value(&self) -> Value<'_> {
        Value::Text(&self.0)
    }
    fn fits(&self, value: &Value<'_>) -> bool {
        match value {
            Value::Keep => true,
            Value::Text(t) => t.len() <= N,
            _ => false,
        }
    }
    fn assign(&mut self, value: &Value<'_>) {
        if let Value::Text(t) = value {
            self.set(t);
        }
    }
}

/// A list entry that may be absent (`AT+NTPSVR`'s second to fourth server).
impl<const N: usize> Field for Option<Text<N>> {
    fn value(&self) -> Value<'_> {
        match self {
            Some(t) => Value::Text(t.as_bytes()),
            None => Value::Absent,
        }
    }
    fn fits(&self, value: &Value<'_>) -> bool {
        match value {
            Value::Keep | Value::Absent => true,
            Value::Text(t) => t.len() <= N,
            _ => false,
        }
    }
    fn assign(&mut self, value: &Value<'_>) {
        match value {
            Value::Absent => *self = None,
            Value::Text(t) => *self = Text::from_bytes(t),
            _ => {}
        }
    }
}
