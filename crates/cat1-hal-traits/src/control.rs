//! Modem control lines, seen from the MCU that drives a Cat-1 module.
//!
//! The modules have three inputs (RESET, RELOAD to restore factory settings, and on some boards a
//! power key) and two outputs (LINK: a socket is connected; WORK: the module runs). The
//! [`ModemControl`] trait speaks of *asserting* a line, so that drivers need not know the board's
//! wiring (an inverting transistor stage is common); [`ControlPins`] implements it over
//! embedded-hal digital pins with the active levels given by the board.
//!
//! Timing (how long to hold RESET, how long RELOAD must be held to restore the factory settings)
//! belongs to the driver that uses the trait, not to the trait.

use core::fmt;
use embedded_hal::digital::{self, InputPin, OutputPin};

/// Which line an error came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Line {
    /// RESET input of the module.
    Reset,
    /// RELOAD input of the module (held to restore factory settings).
    Reload,
    /// Power key input of the module.
    PowerKey,
    /// LINK output of the module.
    Link,
    /// WORK output of the module.
    Work,
}

/// A control line failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ControlError {
    /// The line.
    pub line: Line,
    /// What the pin driver reported.
    pub kind: digital::ErrorKind,
}

impl fmt::Display for ControlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "control line {:?} failed: {:?}", self.line, self.kind)
    }
}

impl core::error::Error for ControlError {}

/// The control lines of one module.
///
/// Implemented by board code, usually through [`ControlPins`]; by the simulator (lines as state);
/// and by tests.
pub trait ModemControl {
    /// Asserts (`true`) or releases (`false`) RESET.
    fn set_reset(&mut self, asserted: bool) -> Result<(), ControlError>;
    /// Asserts or releases RELOAD.
    fn set_reload(&mut self, asserted: bool) -> Result<(), ControlError>;
    /// Asserts or releases the power key.
    fn set_power_key(&mut self, asserted: bool) -> Result<(), ControlError>;
    /// Whether LINK is asserted: at least one socket is connected.
    fn link_active(&mut self) -> Result<bool, ControlError>;
    /// Whether WORK is asserted: the module is running.
    fn work_active(&mut self) -> Result<bool, ControlError>;
}

impl<T: ModemControl + ?Sized> ModemControl for &mut T {
    fn set_reset(&mut self, asserted: bool) -> Result<(), ControlError> {
        T::set_reset(self, asserted)
    }
    fn set_reload(&mut self, asserted: bool) -> Result<(), ControlError> {
        T::set_reload(self, asserted)
    }
    fn set_power_key(&mut self, asserted: bool) -> Result<(), ControlError> {
        T::set_power_key(self, asserted)
    }
    fn link_active(&mut self) -> Result<bool, ControlError> {
        T::link_active(self)
    }
    fn work_active(&mut self) -> Result<bool, ControlError> {
        T::work_active(self)
    }
}

/// The level at which a line is asserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ActiveLevel {
    /// Asserted when high.
    High,
    /// Asserted when low.
    Low,
}

/// Active levels of the five lines, as wired on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Levels {
    /// RESET.
    pub reset: ActiveLevel,
    /// RELOAD.
    pub reload: ActiveLevel,
    /// Power key.
    pub power_key: ActiveLevel,
    /// LINK.
    pub link: ActiveLevel,
    /// WORK.
    pub work: ActiveLevel,
}

impl Levels {
    /// The module's own pins wired straight to the MCU: RESET, RELOAD and power key are active
    /// low; LINK and WORK drive high when active.
    pub const DIRECT: Levels = Levels {
        reset: ActiveLevel::Low,
        reload: ActiveLevel::Low,
        power_key: ActiveLevel::Low,
        link: ActiveLevel::High,
        work: ActiveLevel::High,
    };
}

/// [`ModemControl`] over embedded-hal pins. Each pin keeps its own error type; errors are
/// reported with the line they came from. A board without a power key can pass any spare output
/// (or a pin type that does nothing).
#[derive(Debug)]
pub struct ControlPins<Reset, Reload, PowerKey, Link, Work> {
    /// RESET output of the MCU.
    pub reset: Reset,
    /// RELOAD output of the MCU.
    pub reload: Reload,
    /// Power key output of the MCU.
    pub power_key: PowerKey,
    /// LINK input of the MCU.
    pub link: Link,
    /// WORK input of the MCU.
    pub work: Work,
    /// Active levels.
    pub levels: Levels,
}

fn drive<P: OutputPin>(
    pin: &mut P,
    line: Line,
    level: ActiveLevel,
    asserted: bool,
) -> Result<(), ControlError> {
    let high = asserted == (level == ActiveLevel::High);
    let result = if high { pin.set_high() } else { pin.set_low() };
    result.map_err(|e| ControlError {
        line,
        kind: digital::Error::kind(&e),
    })
}

fn sense<P: InputPin>(pin: &mut P, line: Line, level: ActiveLevel) -> Result<bool, ControlError> {
    match pin.is_high() {
        Ok(high) => Ok(high == (level == ActiveLevel::High)),
        Err(e) => Err(ControlError {
            line,
            kind: digital::Error::kind(&e),
        }),
    }
}

impl<Reset, Reload, PowerKey, Link, Work> ModemControl
    for ControlPins<Reset, Reload, PowerKey, Link, Work>
where
    Reset: OutputPin,
    Reload: OutputPin,
    PowerKey: OutputPin,
    Link: InputPin,
    Work: InputPin,
{
    fn set_reset(&mut self, asserted: bool) -> Result<(), ControlError> {
        drive(&mut self.reset, Line::Reset, self.levels.reset, asserted)
    }
    fn set_reload(&mut self, asserted: bool) -> Result<(), ControlError> {
        drive(&mut self.reload, Line::Reload, self.levels.reload, asserted)
    }
    fn set_power_key(&mut self, asserted: bool) -> Result<(), ControlError> {
        drive(
            &mut self.power_key,
            Line::PowerKey,
            self.levels.power_key,
            asserted,
        )
    }
    fn link_active(&mut self) -> Result<bool, ControlError> {
        sense(&mut self.link, Line::Link, self.levels.link)
    }
    fn work_active(&mut self) -> Result<bool, ControlError> {
        sense(&mut self.work, Line::Work, self.levels.work)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::convert::Infallible;
    use embedded_hal::digital::ErrorType;

    #[derive(Default)]
    struct Pin {
        high: bool,
    }
    impl ErrorType for Pin {
        type Error = Infallible;
    }
    impl OutputPin for Pin {
        fn set_low(&mut self) -> Result<(), Infallible> {
            self.high = false;
            Ok(())
        }
        fn set_high(&mut self) -> Result<(), Infallible> {
            self.high = true;
            Ok(())
        }
    }
    impl InputPin for Pin {
        fn is_high(&mut self) -> Result<bool, Infallible> {
            Ok(self.high)
        }
        fn is_low(&mut self) -> Result<bool, Infallible> {
            Ok(!self.high)
        }
    }

    struct Broken;
    impl ErrorType for Broken {
        type Error = digital::ErrorKind;
    }
    impl InputPin for Broken {
        fn is_high(&mut self) -> Result<bool, digital::ErrorKind> {
            Err(digital::ErrorKind::Other)
        }
        fn is_low(&mut self) -> Result<bool, digital::ErrorKind> {
            Err(digital::ErrorKind::Other)
        }
    }

    #[test]
    fn active_low_lines_are_driven_low_when_asserted() {
        let mut pins = ControlPins {
            reset: Pin { high: true },
            reload: Pin { high: true },
            power_key: Pin::default(),
            link: Pin { high: true },
            work: Pin { high: false },
            levels: Levels::DIRECT,
        };
        pins.set_reset(true).unwrap();
        assert!(!pins.reset.high);
        pins.set_reset(false).unwrap();
        assert!(pins.reset.high);
        pins.set_reload(true).unwrap();
        assert!(!pins.reload.high);
        pins.set_power_key(false).unwrap();
        assert!(pins.power_key.high);
        assert!(pins.link_active().unwrap());
        assert!(!pins.work_active().unwrap());
    }

    #[test]
    fn a_failing_pin_names_its_line() {
        let mut pins = ControlPins {
            reset: Pin::default(),
            reload: Pin::default(),
            power_key: Pin::default(),
            link: Pin::default(),
            work: Broken,
            levels: Levels::DIRECT,
        };
        let err = pins.work_active().unwrap_err();
        assert_eq!(err.line, Line::Work);
        assert_eq!(err.kind, digital::ErrorKind::Other);
    }
}
