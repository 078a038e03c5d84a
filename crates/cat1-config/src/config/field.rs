//! How a stored field turns into a [`Value`] and back: the generated glue maps a field number to
//! a [`FieldRef`] or [`FieldMut`], and the code here, one copy for every field of a kind, does
//! the rest.

use core::fmt;

use heapless::VecView;

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

    /// The text with its capacity erased, for the field table.
    pub(crate) fn view(&self) -> &VecView<u8> {
        self.0.as_view()
    }

    /// The text with its capacity erased, writable.
    pub(crate) fn view_mut(&mut self) -> &mut VecView<u8> {
        self.0.as_mut_view()
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

/// The enumerations as the field table sees them, one implementation per type (generated in
/// `keywords.rs`): an index into the type's keyword list, so that one copy of the code serves every
/// enumeration.
pub(crate) trait KeywordSlot {
    /// The variant's index in [`KeywordSlot::keywords`].
    fn index(&self) -> usize;
    /// Sets the variant at `index`; does nothing out of range.
    fn set_index(&mut self, index: usize);
    /// The keywords of the type, in variant order.
    fn keywords(&self) -> &'static [&'static str];
}

/// A leaf field of [`crate::Config`], read-only (`glue::field`). Text is seen through heapless's
/// `VecView`, so one copy of the code serves every capacity.
pub(crate) enum FieldRef<'a> {
    /// `ON`/`OFF`.
    Bool(&'a bool),
    /// An integer of at most 8 bits.
    U8(&'a u8),
    /// An integer of at most 16 bits.
    U16(&'a u16),
    /// An integer of at most 32 bits.
    U32(&'a u32),
    /// An enumeration.
    Keyword(&'a dyn KeywordSlot),
    /// Text.
    Text(&'a VecView<u8>),
    /// A list entry that may be absent (`AT+NTPSVR`'s second to fourth server).
    OptText(&'a Option<Text<100>>),
}

/// A leaf field of [`crate::Config`], writable (`glue::field_mut`).
pub(crate) enum FieldMut<'a> {
    /// `ON`/`OFF`.
    Bool(&'a mut bool),
    /// An integer of at most 8 bits.
    U8(&'a mut u8),
    /// An integer of at most 16 bits.
    U16(&'a mut u16),
    /// An integer of at most 32 bits.
    U32(&'a mut u32),
    /// An enumeration.
    Keyword(&'a mut dyn KeywordSlot),
    /// Text.
    Text(&'a mut VecView<u8>),
    /// A list entry that may be absent.
    OptText(&'a mut Option<Text<100>>),
}

impl<'a> FieldRef<'a> {
    /// The current value.
    pub(crate) fn value(self) -> Value<'a> {
        match self {
            FieldRef::Bool(b) => Value::Keyword(if *b { "ON" } else { "OFF" }),
            FieldRef::U8(n) => Value::Int(u32::from(*n)),
            FieldRef::U16(n) => Value::Int(u32::from(*n)),
            FieldRef::U32(n) => Value::Int(*n),
            FieldRef::Keyword(k) => match k.keywords().get(k.index()) {
                Some(s) => Value::Keyword(s),
                None => Value::Absent,
            },
            FieldRef::Text(t) => Value::Text(t.as_slice()),
            FieldRef::OptText(Some(t)) => Value::Text(t.as_bytes()),
            FieldRef::OptText(None) => Value::Absent,
        }
    }
}

impl FieldMut<'_> {
    /// Whether `value` can be stored ([`Value::Keep`] always can); stores it too when `store`.
    /// Nothing is stored for [`Value::Keep`] or a value that does not fit. One function for
    /// both, so that the check and the store cannot disagree.
    pub(crate) fn assign(self, value: &Value<'_>, store: bool) -> bool {
        match (self, *value) {
            (_, Value::Keep) => true,
            (FieldMut::Bool(b), Value::Keyword(k @ ("ON" | "OFF"))) => {
                if store {
                    *b = k == "ON";
                }
                true
            }
            (FieldMut::U8(f), Value::Int(n)) => int(f, n, store),
            (FieldMut::U16(f), Value::Int(n)) => int(f, n, store),
            (FieldMut::U32(f), Value::Int(n)) => {
                if store {
                    *f = n;
                }
                true
            }
            (FieldMut::Keyword(f), Value::Keyword(k)) => {
                match f.keywords().iter().position(|&w| w == k) {
                    Some(i) => {
                        if store {
                            f.set_index(i);
                        }
                        true
                    }
                    None => false,
                }
            }
            (FieldMut::Text(f), Value::Text(t)) => {
                let fits = t.len() <= f.capacity();
                if fits && store {
                    f.clear();
                    // Cannot fail: the length was checked.
                    let _ = f.extend_from_slice(t);
                }
                fits
            }
            (FieldMut::OptText(f), Value::Absent) => {
                if store {
                    *f = None;
                }
                true
            }
            (FieldMut::OptText(f), Value::Text(t)) => match Text::from_bytes(t) {
                Some(t) => {
                    if store {
                        *f = Some(t);
                    }
                    true
                }
                None => false,
            },
            _ => false,
        }
    }
}

fn int<T: TryFrom<u32>>(f: &mut T, n: u32, store: bool) -> bool {
    match T::try_from(n) {
        Ok(n) => {
            if store {
                *f = n;
            }
            true
        }
        Err(_) => false,
    }
}
