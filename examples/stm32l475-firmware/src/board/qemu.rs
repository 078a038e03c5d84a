//! QEMU `-M b-l475e-iot01a` (see `shared/qemu-stm32.md`): the stm32l4 PAC only.
//!
//! - The modem is on USART1 (QEMU's first `-serial`), interrupt-driven both ways, behind
//!   `embedded-io-async` ([`Usart1`]). 32-bit register accesses only; ICR written with W1C bits
//!   only (pitfalls 3 and 4).
//! - Time: SysTick at 10 kHz (pitfall 5: the USART model hands over one byte per main-loop
//!   wake-up, and SysTick drives those) as the embassy-time driver, on embassy-time-queue-utils.
//! - Clock: the reset MSI 4 MHz (FLASH and PWR are not emulated: pitfalls 1 and 2).
//! - defmt over semihosting; the verdict ends QEMU through semihosting exit.

use core::cell::{Cell, RefCell};
use core::convert::Infallible;
use core::future::poll_fn;
use core::task::{Poll, Waker};

use cortex_m::peripheral::syst::SystClkSource;
use cortex_m_rt::exception;
use critical_section::Mutex;
use embassy_time_queue_utils::Queue;
use heapless::Deque;
use stm32l4::stm32l4x5::{self as pac, interrupt};

use defmt_semihosting as _;

/// The core clock after reset (MSI range 6).
const CORE_HZ: u32 = 4_000_000;
/// embassy-time's tick (feature `tick-hz-10_000`).
const TICK_HZ: u32 = 10_000;
/// Modem UART speed (the module's factory default).
const BAUD: u32 = 115_200;
/// Interrupt and status clear mask: only the write-1-to-clear bits of ICR (pitfall 3).
const ICR_W1C: u32 = 0x0012_1B5F;

// ---------------------------------------------------------------- time driver

struct SysTickDriver {
    ticks: Mutex<Cell<u64>>,
    alarm: Mutex<Cell<u64>>,
    queue: Mutex<RefCell<Queue>>,
}

impl embassy_time_driver::Driver for SysTickDriver {
    fn now(&self) -> u64 {
        critical_section::with(|cs| self.ticks.borrow(cs).get())
    }

    fn schedule_wake(&self, at: u64, waker: &Waker) {
        critical_section::with(|cs| {
            let mut queue = self.queue.borrow(cs).borrow_mut();
            if queue.schedule_wake(at, waker) {
                let now = self.ticks.borrow(cs).get();
                self.alarm.borrow(cs).set(queue.next_expiration(now));
            }
        })
    }
}

embassy_time_driver::time_driver_impl!(static DRIVER: SysTickDriver = SysTickDriver {
    ticks: Mutex::new(Cell::new(0)),
    alarm: Mutex::new(Cell::new(u64::MAX)),
    queue: Mutex::new(RefCell::new(Queue::new())),
});

#[exception]
fn SysTick() {
    critical_section::with(|cs| {
        let ticks = DRIVER.ticks.borrow(cs);
        let now = ticks.get() + 1;
        ticks.set(now);
        let alarm = DRIVER.alarm.borrow(cs);
        if now >= alarm.get() {
            alarm.set(DRIVER.queue.borrow(cs).borrow_mut().next_expiration(now));
        }
    })
}

defmt::timestamp!("{=u64:us}", embassy_time::Instant::now().as_micros());

// ---------------------------------------------------------------- USART1

const RX_CAP: usize = 1024;
const TX_CAP: usize = 256;

struct Shared {
    rx: Deque<u8, RX_CAP>,
    tx: Deque<u8, TX_CAP>,
    rx_waker: Option<Waker>,
    tx_waker: Option<Waker>,
    rx_dropped: u32,
}

static SHARED: Mutex<RefCell<Shared>> = Mutex::new(RefCell::new(Shared {
    rx: Deque::new(),
    tx: Deque::new(),
    rx_waker: None,
    tx_waker: None,
    rx_dropped: 0,
}));

fn usart1() -> &'static pac::usart1::RegisterBlock {
    // SAFETY: a fixed MMIO address; all accesses are 32-bit volatile (svd2rust), and the
    // driver and the interrupt share state only inside critical sections.
    unsafe { &*pac::USART1::ptr() }
}

/// USART1 as an `embedded-io-async` UART: RXNE and TXE interrupts move bytes between the
/// registers and two ring buffers; `read` is cancel-safe (bytes stay in the ring).
pub struct Usart1 {
    _private: (),
}

impl Usart1 {
    /// Bytes dropped because the receive ring was full.
    pub fn rx_dropped() -> u32 {
        critical_section::with(|cs| SHARED.borrow(cs).borrow().rx_dropped)
    }
}

impl embedded_io_async::ErrorType for Usart1 {
    type Error = Infallible;
}

impl embedded_io_async::Read for Usart1 {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        if buf.is_empty() {
            return Ok(0);
        }
        poll_fn(|cx| {
            critical_section::with(|cs| {
                let mut s = SHARED.borrow(cs).borrow_mut();
                let mut n = 0;
                while n < buf.len() {
                    match s.rx.pop_front() {
                        Some(b) => {
                            buf[n] = b;
                            n += 1;
                        }
                        None => break,
                    }
                }
                if n > 0 {
                    Poll::Ready(Ok(n))
                } else {
                    // Registered inside the same critical section as the check: the
                    // interrupt cannot slip a byte in between (the BufferedUart race).
                    s.rx_waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            })
        })
        .await
    }
}

impl embedded_io_async::Write for Usart1 {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        if buf.is_empty() {
            return Ok(0);
        }
        poll_fn(|cx| {
            critical_section::with(|cs| {
                let mut s = SHARED.borrow(cs).borrow_mut();
                let mut n = 0;
                for &b in buf {
                    if s.tx.push_back(b).is_err() {
                        break;
                    }
                    n += 1;
                }
                if n > 0 {
                    usart1().cr1().modify(|_, w| w.txeie().set_bit());
                    Poll::Ready(Ok(n))
                } else {
                    s.tx_waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            })
        })
        .await
    }

    async fn flush(&mut self) -> Result<(), Infallible> {
        poll_fn(|cx| {
            critical_section::with(|cs| {
                let mut s = SHARED.borrow(cs).borrow_mut();
                if s.tx.is_empty() && usart1().isr().read().tc().bit_is_set() {
                    Poll::Ready(Ok(()))
                } else {
                    s.tx_waker = Some(cx.waker().clone());
                    // TC wakes us once the last byte has left the shift register.
                    usart1().cr1().modify(|_, w| w.tcie().set_bit());
                    Poll::Pending
                }
            })
        })
        .await
    }
}

#[interrupt]
fn USART1() {
    let u = usart1();
    critical_section::with(|cs| {
        let mut s = SHARED.borrow(cs).borrow_mut();
        let isr = u.isr().read();
        if isr.ore().bit_is_set() {
            s.rx_dropped += 1;
            // ORECF, a write-1-to-clear bit.
            u.icr().write(|w| unsafe { w.bits(1 << 3) });
        }
        if isr.rxne().bit_is_set() {
            let b = u.rdr().read().rdr().bits() as u8;
            if s.rx.push_back(b).is_err() {
                s.rx_dropped += 1;
            }
            if let Some(w) = s.rx_waker.take() {
                w.wake();
            }
        }
        let cr1 = u.cr1().read();
        if cr1.txeie().bit_is_set() && isr.txe().bit_is_set() {
            match s.tx.pop_front() {
                Some(b) => {
                    u.tdr().write(|w| w.tdr().set(u16::from(b)));
                }
                None => {
                    u.cr1().modify(|_, w| w.txeie().clear_bit());
                    if let Some(w) = s.tx_waker.take() {
                        w.wake();
                    }
                }
            }
        }
        if cr1.tcie().bit_is_set() && isr.tc().bit_is_set() && s.tx.is_empty() {
            u.cr1().modify(|_, w| w.tcie().clear_bit());
            if let Some(w) = s.tx_waker.take() {
                w.wake();
            }
        }
    });
}

// ---------------------------------------------------------------- init and exit

/// Clocks, SysTick, USART1 with its pins and interrupt. Returns the modem UART.
pub fn init() -> Usart1 {
    let dp = pac::Peripherals::take().unwrap_or_else(|| defmt::panic!("peripherals taken twice"));
    let mut cp = cortex_m::Peripherals::take()
        .unwrap_or_else(|| defmt::panic!("core peripherals taken twice"));

    // USART1 on PB6 (TX) / PB7 (RX), AF7, as on the real board's ST-LINK port.
    dp.RCC.ahb2enr().modify(|_, w| w.gpioben().set_bit());
    dp.RCC.apb2enr().modify(|_, w| w.usart1en().set_bit());
    dp.GPIOB.afrl().modify(|_, w| w.afrl6().af7().afrl7().af7());
    dp.GPIOB
        .moder()
        .modify(|_, w| w.moder6().alternate().moder7().alternate());

    let u = &dp.USART1;
    u.cr1().write(|w| w.ue().clear_bit());
    u.brr().write(|w| unsafe { w.bits(CORE_HZ / BAUD) });
    u.icr().write(|w| unsafe { w.bits(ICR_W1C) });
    u.cr1().write(|w| {
        w.ue()
            .set_bit()
            .te()
            .set_bit()
            .re()
            .set_bit()
            .rxneie()
            .set_bit()
    });

    // SAFETY: the handler above only touches state behind critical sections.
    unsafe { cortex_m::peripheral::NVIC::unmask(pac::Interrupt::USART1) };

    let syst = &mut cp.SYST;
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(CORE_HZ / TICK_HZ - 1);
    syst.clear_current();
    syst.enable_interrupt();
    syst.enable_counter();

    Usart1 { _private: () }
}

/// Ends QEMU with the verdict (semihosting exit: QEMU's status is 0 or 1).
pub fn finish(success: bool) {
    defmt::info!(
        "exit: {}, rx dropped {}",
        if success { "success" } else { "failure" },
        Usart1::rx_dropped()
    );
    let code = if success {
        cortex_m_semihosting::debug::EXIT_SUCCESS
    } else {
        cortex_m_semihosting::debug::EXIT_FAILURE
    };
    cortex_m_semihosting::debug::exit(code);
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    defmt::error!("panic: {}", defmt::Display2Format(info));
    cortex_m_semihosting::debug::exit(cortex_m_semihosting::debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::bkpt();
    }
}
