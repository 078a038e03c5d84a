//! The real B-L475E-IOT01A on embassy-stm32.
//!
//! - The modem on UART4: PA0 = TX (Arduino D1), PA1 = RX (Arduino D0), 115200 8N1, through
//!   embassy-stm32's `BufferedUart`, wrapped in [`ModemUart`] to avoid its read race (below).
//! - defmt frames on USART1 (PB6 TX, the ST-LINK virtual COM port), blocking, 115200: decode with
//!   `defmt-print -e <elf> serial --path /dev/ttyACM0 --baud 115200` (README.md).
//! - Time: embassy-stm32's time driver (`time-driver-any`); clocks: the reset MSI 4 MHz.
//! - A panic logs and resets the chip: the application starts again and recovers the modem.
//!
//! The BufferedUart race (shared/qemu-stm32.md): in embassy-stm32 0.6, `read` and `flush` check
//! the ring buffer and register the waker only when it is empty; a byte that arrives in between
//! is not seen until the next one. An AT answer is followed by silence, so its last byte would
//! sit there until the command timed out. [`ModemUart`] therefore never waits on `read` or
//! `flush` for more than [`POLL`]: it drops the future and asks again, and a new `read` finds the
//! byte in the ring. Dropping `read` is cancel-safe (bytes stay in the ring).

use core::cell::{RefCell, UnsafeCell};
use core::sync::atomic::{AtomicBool, Ordering};

use critical_section::Mutex;
use embassy_futures::select::{Either, select};
use embassy_stm32::mode::Blocking;
use embassy_stm32::usart::{self, BufferedUart, Config, UartTx};
use embassy_stm32::{bind_interrupts, peripherals};
use embassy_time::{Duration, Timer};

bind_interrupts!(struct Irqs {
    UART4 => usart::BufferedInterruptHandler<peripherals::UART4>;
});

/// The longest a read or flush waits before asking the ring buffer again.
const POLL: Duration = Duration::from_millis(5);

/// The modem UART: `BufferedUart` with the race worked around.
pub struct ModemUart {
    inner: BufferedUart<'static>,
}

impl embedded_io_async::ErrorType for ModemUart {
    type Error = usart::Error;
}

impl embedded_io_async::Read for ModemUart {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, usart::Error> {
        loop {
            if let Either::First(r) = select(
                embedded_io_async::Read::read(&mut self.inner, buf),
                Timer::after(POLL),
            )
            .await
            {
                return r;
            }
        }
    }
}

impl embedded_io_async::Write for ModemUart {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, usart::Error> {
        loop {
            if let Either::First(r) = select(
                embedded_io_async::Write::write(&mut self.inner, buf),
                Timer::after(POLL),
            )
            .await
            {
                return r;
            }
        }
    }

    async fn flush(&mut self) -> Result<(), usart::Error> {
        loop {
            if let Either::First(r) = select(
                embedded_io_async::Write::flush(&mut self.inner),
                Timer::after(POLL),
            )
            .await
            {
                return r;
            }
        }
    }
}

/// Clocks, the log UART and the modem UART.
pub fn init() -> ModemUart {
    let p = embassy_stm32::init(embassy_stm32::Config::default());

    let mut log_config = Config::default();
    log_config.baudrate = 115_200;
    // Without it there is no log, and the firmware still runs.
    if let Ok(tx) = UartTx::new_blocking(p.USART1, p.PB6, log_config) {
        critical_section::with(|cs| *LOG_TX.borrow(cs).borrow_mut() = Some(tx));
    }

    let mut config = Config::default();
    config.baudrate = 115_200;
    let tx_buf =
        cortex_m::singleton!(: [u8; 256] = [0; 256]).unwrap_or_else(|| defmt::panic!("init twice"));
    let rx_buf = cortex_m::singleton!(: [u8; 1024] = [0; 1024])
        .unwrap_or_else(|| defmt::panic!("init twice"));
    let inner = BufferedUart::new(p.UART4, p.PA1, p.PA0, tx_buf, rx_buf, Irqs, config)
        .unwrap_or_else(|e| defmt::panic!("UART4: {}", e));
    defmt::info!("board: B-L475E-IOT01A, modem on UART4 (PA0/PA1)");
    ModemUart { inner }
}

/// No test harness on the board: the verdict is logged and the firmware keeps running.
pub fn finish(success: bool) {
    defmt::info!(
        "verdict asked by the server: {}",
        if success { "pass" } else { "fail" }
    );
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    defmt::error!("panic: {}; resetting", defmt::Display2Format(info));
    cortex_m::peripheral::SCB::sys_reset()
}

defmt::timestamp!("{=u64:us}", embassy_time::Instant::now().as_micros());

// ---------------------------------------------------------------- defmt over USART1

static LOG_TX: Mutex<RefCell<Option<UartTx<'static, Blocking>>>> = Mutex::new(RefCell::new(None));
static TAKEN: AtomicBool = AtomicBool::new(false);
static RESTORE: Locked<critical_section::RestoreState> =
    Locked(UnsafeCell::new(critical_section::RestoreState::invalid()));
static ENCODER: Locked<defmt::Encoder> = Locked(UnsafeCell::new(defmt::Encoder::new()));

/// State used only between `acquire` and `release`, inside their critical section.
struct Locked<T>(UnsafeCell<T>);

// SAFETY: accessed only inside the logger's critical section, with `TAKEN` held (single core).
unsafe impl<T> Sync for Locked<T> {}

fn write_frame_bytes(bytes: &[u8]) {
    // SAFETY: called only between acquire and release, inside the critical section they hold.
    let cs = unsafe { critical_section::CriticalSection::new() };
    if let Some(tx) = LOG_TX.borrow(cs).borrow_mut().as_mut() {
        let _ = tx.blocking_write(bytes);
    }
}

#[defmt::global_logger]
struct UartLogger;

// SAFETY: frames are written inside one critical section (single core), as defmt-rtt does.
unsafe impl defmt::Logger for UartLogger {
    fn acquire() {
        // SAFETY: released in `release`.
        let restore = unsafe { critical_section::acquire() };
        if TAKEN.swap(true, Ordering::Relaxed) {
            // Re-entered: only a fault inside the log path itself can do that (interrupts are
            // off). Nothing sane is left to log with: start again.
            cortex_m::peripheral::SCB::sys_reset();
        }
        // SAFETY: inside the critical section, with TAKEN held.
        unsafe {
            *RESTORE.0.get() = restore;
            (*ENCODER.0.get()).start_frame(write_frame_bytes);
        }
    }

    unsafe fn flush() {}

    unsafe fn release() {
        // SAFETY: acquire ran before (defmt's contract).
        unsafe {
            (*ENCODER.0.get()).end_frame(write_frame_bytes);
            TAKEN.store(false, Ordering::Relaxed);
            critical_section::release(*RESTORE.0.get());
        }
    }

    unsafe fn write(bytes: &[u8]) {
        // SAFETY: between acquire and release.
        unsafe { (*ENCODER.0.get()).write(bytes, write_frame_bytes) }
    }
}
