//! The procedures both adapters share (commands, entering and leaving command mode, restarts),
//! written once over three primitives each adapter provides:
//!
//! - `now()`: the time;
//! - `pump(on_info)`: read and feed the core until the exchange in flight ends;
//! - `drain(lines, duration)`: hand whatever arrives to the listener, as data or (`lines`) through
//!   the core, until the line has been silent for `duration` (`quiet_lines` is `drain(true, ..)`).
//!   The flag first: in the blocking adapter it then goes in `r1`, the `Duration` in `r2`/`r3`,
//!   where after it a fifth word went on the stack (client `.text` -4).
//!
//! `procedures!(blocking)` expands to plain functions, `procedures!(async)` to `async fn`s, and,
//! where a procedure only hands on another's future (`run_fixed`, `set`, `leave_command_mode`,
//! entering command mode), to a plain function returning it: each `async fn` called is a layer of the future of its own, with
//! its state and handling (the async adapter's flash round, benches/HISTORY.md). In the async
//! adapter, `exchange` runs `pump` in its own body (the adapter's `pump!`).

/// How an exchange ended, as seen by the procedures.
// `pub` only for [`Reads`] (hidden, for the bench): the module is private. Non-exhaustive:
// a bench that matches it keeps a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finished {
    /// A final result.
    Done(cat1_at_parse::FinalResult),
    /// The `a` after `+++`.
    HandshakeA,
    /// The `+ok` after `a`.
    HandshakeOk,
    /// The exchange timed out.
    TimedOut,
}

macro_rules! maybe_await {
    (blocking, $e:expr) => {
        $e
    };
    (async, $e:expr) => {
        $e.await
    };
}

macro_rules! procedures {
    ($mode:ident $(, $asyncness:ident)?) => {
        /// Sends a command and waits for its final result; information lines go to `on_info`.
        /// `Ok` means the module answered `OK`.
        pub $($asyncness)? fn command(
            &mut self,
            command: &cat1_at_parse::CommandLine<'_>,
            mut on_info: impl FnMut(cat1_at_parse::InfoLine<'_>),
        ) -> Result<(), $crate::CommandError<E>> {
            let timeout = self.timing.command;
            // The closure itself the exchange's receiver of lines (`OnInfo`): through
            // `command_within`'s `dyn FnMut`, each line would be a second indirect call.
            maybe_await!($mode, self.command_lines(command, timeout, &mut on_info))
        }

        /// [`Self::command`] with its own timeout.
        pub $($asyncness)? fn command_within(
            &mut self,
            command: &cat1_at_parse::CommandLine<'_>,
            timeout: cat1_hal_traits::time::Duration,
            on_info: &mut dyn FnMut(cat1_at_parse::InfoLine<'_>),
        ) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, self.command_lines(command, timeout, &mut &mut *on_info))
        }

        /// [`Self::command_within`] with the exchange's receiver of lines.
        $($asyncness)? fn command_lines(
            &mut self,
            command: &cat1_at_parse::CommandLine<'_>,
            timeout: cat1_hal_traits::time::Duration,
            on_info: &mut $crate::procedures::Lines<'_>,
        ) -> Result<(), $crate::CommandError<E>> {
            let tx = maybe_await!($mode, self.idle_tx())?;
            let encoded = $crate::core::encode_command(command, tx);
            maybe_await!($mode, self.run(encoded, timeout, on_info))
        }

        /// Sends a raw line (without its CR) and waits for its final result.
        pub $($asyncness)? fn raw(
            &mut self,
            line: &[u8],
            on_info: &mut dyn FnMut(cat1_at_parse::InfoLine<'_>),
        ) -> Result<(), $crate::CommandError<E>> {
            let timeout = self.timing.command;
            let tx = maybe_await!($mode, self.idle_tx())?;
            let encoded = $crate::core::encode_raw(line, tx);
            maybe_await!($mode, self.run(encoded, timeout, &mut &mut *on_info))
        }

        /// `AT` (`name` `None`), `AT+NAME` or `AT+NAME?`, written without `CommandLine`'s checks
        /// (the same line, in less flash), for names known to be valid: the queries of
        /// [`Self::read_config`] (`AT` and `AT+ENTM` go as fixed lines, [`Self::run_fixed`]).
        $($asyncness)? fn plain(
            &mut self,
            name: Option<&[u8]>,
            query: bool,
            timeout: cat1_hal_traits::time::Duration,
            on_info: &mut $crate::procedures::Lines<'_>,
        ) -> Result<(), $crate::CommandError<E>> {
            let tx = maybe_await!($mode, self.idle_tx())?;
            let encoded = $crate::core::encode_plain(name, query, tx);
            maybe_await!($mode, self.run(encoded, timeout, on_info))
        }

        /// An exchange still in flight when another starts was abandoned: a UART error ended its
        /// call (the line written in part, a read failed), or its async future was dropped (a
        /// `select` with a timer). Nothing else would end it, and it would refuse every later
        /// command as `StartError::Busy` (`&mut self`: no other exchange of this modem runs
        /// meanwhile). Aborting it would not do: its answer may still come, after the next
        /// command's echo (echo on: the module echoes as it receives) or after the wait for
        /// quiet (a slow answer), and be taken for the next command's. So it is seen through to
        /// its final result or its own deadline, its lines dropped, and counted in `aborted`.
        $($asyncness)? fn finish_abandoned(&mut self) -> Result<(), E> {
            // Before the test for an exchange in flight: one ended through `core()` (`abort`)
            // leaves the line's start in the module's buffer all the same (review 36). Cleared
            // only once the CR went out.
            if self.carry.cut
                && $crate::procedures::write_all!($mode, self.uart, b"\r").is_ok()
            {
                self.carry.cut = false;
            }
            if self.core.is_busy() {
                maybe_await!($mode, self.pump(&mut |_: cat1_at_parse::InfoLine<'_>| {}))?;
                // Counted once seen through: a call that failed (or was dropped) meanwhile
                // leaves it to the next, which would count it again (review 32).
                self.core.count_abandoned();
            }
            Ok(())
        }

        /// The transmit buffer to encode a command into, once any wait for quiet is over and
        /// no exchange is in flight.
        $($asyncness)? fn idle_tx(&mut self) -> Result<&mut [u8], $crate::CommandError<E>> {
            maybe_await!($mode, self.settle_if_needed()).map_err($crate::CommandError::Io)?;
            self.core.idle_tx().map_err($crate::CommandError::Start)
        }

        /// Every command exchange: starts the line encoded into [`Self::idle_tx`], writes it and
        /// waits for the final result. One function, not generic over the request, so that each
        /// typed request adds only its encoder and decoder to the flash.
        $($asyncness)? fn run(
            &mut self,
            encoded: Result<$crate::core::Encoded, $crate::core::Refused>,
            timeout: cat1_hal_traits::time::Duration,
            on_info: &mut $crate::procedures::Lines<'_>,
        ) -> Result<(), $crate::CommandError<E>> {
            let encoded = encoded.map_err($crate::procedures::refused)?;
            let now = self.now();
            let bytes = self.core.start_encoded(encoded, timeout, now);
            $crate::procedures::write_line!($mode, self.uart, bytes, &mut self.carry.cut)?;
            let finished = maybe_await!($mode, self.answer(on_info)).map_err($crate::CommandError::Io)?;
            $crate::procedures::result_of(finished)
        }

        /// The rest of [`Self::run`]'s exchange once its line is written: flushes and waits for
        /// its end. ([`Self::exchange`] does the same in its own body: in the async adapter a
        /// call of this was a future's layer of its own around `pump`'s, 84 bytes.)
        $($asyncness)? fn answer(
            &mut self,
            on_info: &mut $crate::procedures::Lines<'_>,
        ) -> Result<$crate::procedures::Finished, E> {
            maybe_await!($mode, self.uart.flush())?;
            maybe_await!($mode, self.pump(on_info))
        }

        /// Queries a setting (`AT+NAME?`) and hands its answer, decoded into typed values, to
        /// `on_values`: `modem.query::<requests::Apn>(|v| ...)`.
        pub $($asyncness)? fn query<R: cat1_config::request::Request>(
            &mut self,
            mut on_values: impl FnMut(cat1_config::Values<'_>),
        ) -> Result<(), $crate::CommandError<E>> {
            // The caller's closure moved in, not borrowed: one word less on the stack at each
            // call site.
            let mut values = move |values: &cat1_config::Values<'_>| on_values(*values);
            let result = {
                // The decoding and the start chosen at compile time, then one exchange
                // (`typed_exchange!`).
                let mut decoded;
                let mut own;
                let on_info: &mut $crate::procedures::Lines<'_> =
                    if let Some(spec) = const { R::INFO_SPEC } {
                        // One decoding body for every generated setting, given a constant per
                        // type: the description `request::decode_info` decodes by
                        // (`Request::INFO_SPEC`; run as `decode_info_ok`, the values by
                        // reference, see `info_decoder`). Each type costs the call and its
                        // constants (no shared `query_fixed` returning the result: the async
                        // adapter moved it out of that future into this one, a `CommandError`
                        // of 12 bytes copied by `memcpy`, 742 bytes of flash).
                        decoded = $crate::procedures::Decoding($crate::procedures::info_decoder(spec, &mut values));
                        &mut decoded
                    } else {
                        // A request of one's own (`INFO_SPEC` `None`): decoded by its own
                        // `decode_info`, in a closure of its type (decided at compile time:
                        // nothing of it in a firmware without one; in the shared decoding its
                        // arm cost every firmware about 50 bytes).
                        own = $crate::procedures::Decoding(|info: cat1_at_parse::InfoLine<'_>| {
                            if info.is_continuation() {
                                return false;
                            }
                            // By reference: a binding by value may be a copy by `memcpy`.
                            match &R::decode_info(info) {
                                Ok(v) => { values(v); false }
                                Err(_) => true,
                            }
                        });
                        &mut own
                    };
                // A description of one's own whose name is too long for a fixed line: written
                // as any line (decided at compile time: nothing of it in a firmware without
                // one).
                maybe_await!($mode, $crate::procedures::typed_exchange!($mode, self,
                    cat1_config::request::FixedLine::fits(R::SPEC), R::QUERY_LINE, None,
                    |_: &[cat1_config::Value<'_>], tx: &mut [u8]| {
                        $crate::core::encode_typed(R::query(tx), R::SPEC.name.as_bytes(), R::BARE_LINE, tx)
                    }, &[],
                    $crate::procedures::some_lines!($mode, on_info)))
            };
            result
        }

        /// Sets a setting (or runs a parameterised action) with typed values, checked against the
        /// command's parameters before anything is sent: `modem.set::<requests::Apn>(&[...])`.
        /// Information lines of the answer are not wanted and dropped: for a set that answers a
        /// value (`AT+LBS=1`), [`Self::set_with`].
        ///
        /// In the async adapter, a plain function returning the exchange's future (no future
        /// of its own around it: the set and its values are held by that future, by value).
        pub fn set<R: cat1_config::request::Request>(
            &mut self,
            values: &[cat1_config::Value<'_>],
        ) -> $crate::procedures::returns!($mode, Result<(), $crate::CommandError<E>>) {
            // Through the start of fixed lines, not generic: a further set type costs a call
            // and its `TypedSet` constant, which for a generated request names
            // `request::set_line` and the description (`Request::SET_SPEC`): no `set` of its
            // own in the firmware (20 bytes a type).
            let typed: &'static $crate::core::TypedSet = const { &$crate::core::TypedSet::of::<R>() };
            let set = $crate::core::SetCall { typed, values };
            // A description of one's own whose bare line is not a fixed line: its exchange built
            // from the line (decided at compile time: nothing of it in a firmware without one).
            $crate::procedures::typed_exchange!($mode, self,
                R::BARE_LINE.padded().1 != 0, R::BARE_LINE, Some(set),
                |values: &[cat1_config::Value<'_>], tx: &mut [u8]| {
                    $crate::core::encode_typed(R::set(values, tx), R::SPEC.name.as_bytes(), R::BARE_LINE, tx)
                }, values,
                $crate::procedures::no_lines!($mode))
        }

        /// [`Self::set`] for a command whose set form answers with information lines, each
        /// handed to `on_info`: `AT+LBS=1` and `AT+LBS=2`, for example, answer the position
        /// (`modem.set_with::<requests::Lbs>(&[Value::Int(1)], |info| ..)`, decoded with
        /// `cat1_config::info::LbsPosition::from_info`). Checked as `set` checks its values.
        pub $($asyncness)? fn set_with<R: cat1_config::request::Request>(
            &mut self,
            values: &[cat1_config::Value<'_>],
            mut on_info: impl FnMut(cat1_at_parse::InfoLine<'_>),
        ) -> Result<(), $crate::CommandError<E>> {
            let typed: &'static $crate::core::TypedSet = const { &$crate::core::TypedSet::of::<R>() };
            let set = $crate::core::SetCall { typed, values };
            maybe_await!($mode, $crate::procedures::typed_exchange!($mode, self,
                R::BARE_LINE.padded().1 != 0, R::BARE_LINE, Some(set),
                |values: &[cat1_config::Value<'_>], tx: &mut [u8]| {
                    $crate::core::encode_typed(R::set(values, tx), R::SPEC.name.as_bytes(), R::BARE_LINE, tx)
                }, values,
                $crate::procedures::some_lines!($mode, &mut on_info)))
        }

        /// Runs a bare action (`AT+NAME`), e.g. `requests::Csq`; information lines (whole, to
        /// parse with `cat1_config::info`) go to `on_line`.
        pub $($asyncness)? fn execute<R: cat1_config::request::Request>(
            &mut self,
            mut on_line: impl FnMut(&[u8]),
        ) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, $crate::procedures::typed_exchange!($mode, self,
                cat1_config::request::FixedLine::fits(R::SPEC), R::EXECUTE_LINE, None,
                |_: &[cat1_config::Value<'_>], tx: &mut [u8]| {
                    $crate::core::encode_typed(R::execute(tx), R::SPEC.name.as_bytes(), R::BARE_LINE, tx)
                }, &[],
                $crate::procedures::some_lines!($mode, &mut |info: cat1_at_parse::InfoLine<'_>| on_line(info.line()))))
        }

        /// Asks for the values a command takes (`AT+NAME=?`); information lines (whole)
        /// go to `on_line`.
        pub $($asyncness)? fn test<R: cat1_config::request::Request>(
            &mut self,
            mut on_line: impl FnMut(&[u8]),
        ) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, $crate::procedures::typed_exchange!($mode, self,
                cat1_config::request::FixedLine::fits(R::SPEC), R::TEST_LINE, None,
                |_: &[cat1_config::Value<'_>], tx: &mut [u8]| {
                    $crate::core::encode_typed(R::test(tx), R::SPEC.name.as_bytes(), R::BARE_LINE, tx)
                }, &[],
                $crate::procedures::some_lines!($mode, &mut |info: cat1_at_parse::InfoLine<'_>| on_line(info.line()))))
        }

        /// Reads a read-only value (`AT+CSQ`, `AT+VER`, ...) with the bare form, which the manual
        /// defines as "executes or queries the current value" for every command; whole information
        /// lines (continuations included) go to `on_line`, to parse with `cat1_config::info`
        /// (for cat1-config's read-only requests, [`Self::read_value`] decodes them, with less
        /// work: the framer has matched their names).
        pub $($asyncness)? fn read<R: cat1_config::request::Request>(
            &mut self,
            mut on_line: impl FnMut(&[u8]),
        ) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, $crate::procedures::typed_exchange!($mode, self,
                cat1_config::request::FixedLine::fits(R::SPEC), R::BARE_LINE, None,
                |_: &[cat1_config::Value<'_>], tx: &mut [u8]| {
                    $crate::core::encode_plain(Some(R::SPEC.name.as_bytes()), false, tx)
                }, &[],
                $crate::procedures::some_lines!($mode, &mut |info: cat1_at_parse::InfoLine<'_>| on_line(info.line()))))
        }

        /// Reads a read-only value, as [`Self::read`], and hands each one, decoded, to `on_value`:
        /// `modem.read_value::<requests::Csq>(|csq| ..)`. Each information line is decoded from
        /// the `InfoLine` the framer matched to the command (`ReadAnswer::decode_answer_line`,
        /// the `from_info` of the answer's type in `cat1_config::info`: the name is not compared
        /// again, as [`Self::query`] decodes); a line that does not decode, or a header whose
        /// value never came (`+SYSINFO:` alone), makes the call
        /// [`CommandError::Malformed`](crate::CommandError::Malformed) once the exchange ends.
        /// `on_value` runs once a value: once for most answers, once a cell for `Lbsn`.
        pub $($asyncness)? fn read_value<R: cat1_config::info::ReadAnswer>(
            &mut self,
            mut on_value: impl FnMut(R::Value<'_>),
        ) -> Result<(), $crate::CommandError<E>> {
            // A header still waiting for its value (`ReadAnswer::decode_answer_line`), tested
            // after the exchange; a line that did not decode is the exchange's mark (`OnInfo`:
            // the exchange ends in `Malformed`).
            let mut open = false;
            // In the blocking adapter the caller's closure moved in, not borrowed (as
            // `query`'s): one word less on the stack at each call site (client `.text` -16
            // bytes); in the async one, whose future holds it either way, borrowed (moved in,
            // client-async +20).
            let open_now = &mut open;
            let mut on_info = $crate::procedures::Decoding($crate::procedures::owning!($mode, |info: cat1_at_parse::InfoLine<'_>| {
                match R::decode_answer_line(open_now, info) {
                    Ok(Some(value)) => { on_value(value); false }
                    Ok(None) => false,
                    Err(_) => true,
                }
            }));
            // As `read` writes it.
            maybe_await!($mode, $crate::procedures::typed_exchange!($mode, self,
                cat1_config::request::FixedLine::fits(R::SPEC), R::BARE_LINE, None,
                |_: &[cat1_config::Value<'_>], tx: &mut [u8]| {
                    $crate::core::encode_plain(Some(R::SPEC.name.as_bytes()), false, tx)
                }, &[],
                $crate::procedures::some_lines!($mode, &mut on_info)))?;
            // A line that did not decode, or a header whose value never came (the answer cut
            // short).
            if open { Err($crate::CommandError::Malformed) } else { Ok(()) }
        }

        /// The exchange of a line fixed at compile time, with its exchange built with it:
        /// `query`, `read` and the rest, and the lines the procedures send themselves (`AT`,
        /// `AT+ENTM`), which need no encoder then ([`Self::exchange`] of
        /// [`Start::Fixed`](crate::procedures::Start::Fixed)).
        fn run_fixed<'s>(
            &'s mut self,
            line: &'s cat1_config::request::FixedLine,
            set: $crate::procedures::set_arg!($mode, 's),
            wait: $crate::procedures::Wait,
            on_info: $crate::procedures::lines!($mode, 's),
        ) -> $crate::procedures::returns!($mode, Result<(), $crate::CommandError<E>>) {
            self.exchange($crate::procedures::Start::Fixed(line, set), wait, on_info)
        }

        $crate::procedures::by_mode!($mode, {
            /// [`Self::run_fixed`] for a description of one's own whose name is too long for a
            /// fixed line ([`cat1_config::request::FixedLine::fits`]): `encode` writes the line;
            /// information lines go to `on_info`. Not generic: the typed requests' unfixed lines
            /// share it ([`Self::exchange`] of [`Start::Encode`](crate::procedures::Start::Encode)).
            /// The blocking adapter's only: the async one's `typed_exchange!` awaits
            /// `exchange`'s future itself.
            fn unfixed(
                &mut self,
                encode: $crate::procedures::Encoder,
                values: &[cat1_config::Value<'_>],
                on_info: &mut $crate::procedures::Lines<'_>,
            ) -> Result<(), $crate::CommandError<E>> {
                self.exchange($crate::procedures::Start::encode(encode, values), $crate::procedures::Wait::Command, on_info)
            }
        }, {});

        /// The exchange of [`Self::run_fixed`] and of the typed methods (`typed_exchange!`):
        /// one body for every start, which in the async adapter is one future (`run_fixed`
        /// returns it as it is, no future of its own). Inlined in the blocking
        /// adapter, where each caller's `start` is a constant: the code of `run_fixed` and
        /// `unfixed` each as it was.
        #[inline(always)]
        $($asyncness)? fn exchange(
            &mut self,
            start: $crate::procedures::Start<'_, '_, $crate::procedures::set_item!($mode)>,
            wait: $crate::procedures::Wait,
            on_info: $crate::procedures::lines!($mode, '_),
        ) -> Result<(), $crate::CommandError<E>> {
            // The timeout picked here, not by each caller: a byte at each call site, not the
            // two words of a `Duration` (client `.text` -16 bytes in benches/footprint).
            let timing = &self.timing;
            let timeout = $crate::procedures::timeout_of!(timing, wait);
            $crate::procedures::by_mode!($mode, {{
                self.finish_abandoned().map_err($crate::CommandError::Io)?;
                // `settle_if_needed`, in this body (a call of it here, with the line above in
                // it, cost 24 bytes more).
                if self.core.is_unsynchronised() {
                    let settle = self.timing.settle;
                    // Not quiet in time (`drain_cap`): left unsynchronised, the start below
                    // refuses (`StartError::Unsynchronised`) and the caller has control back.
                    if self.quiet_lines(settle).map_err($crate::CommandError::Io)? {
                        self.core.settled();
                    }
                }
                // `start_bytes`'s match written out here: its call cost 20 bytes more.
                let bytes = match start {
                    $crate::procedures::Start::Fixed(line, set) => {
                        let now = self.now();
                        // Nothing in flight: `finish_abandoned` above saw it through.
                        self.core
                            .start_idle_line(line, set, wait == $crate::procedures::Wait::Reply, timeout, now)
                            .map_err($crate::CommandError::Start)?
                            .map_err($crate::CommandError::Request)?
                    }
                    $crate::procedures::Start::Encode(start, encode, values) => {
                        let now = self.now();
                        start(&mut self.core, encode, values, timeout, now).map_err($crate::procedures::refused)?
                    }
                };
                $crate::procedures::write_line!($mode, self.uart, bytes, &mut self.carry.cut)?;
                // Flushed and waited for as `answer` does, here, not through it (see there).
                self.uart.flush().map_err($crate::CommandError::Io)?;
                // The typed decoders' mark (`OnInfo`) cleared here, where it is read at the
                // end: not in the core's start, where `Core::receive`'s cycles would pay it.
                self.core.clear_malformed();
                let finished = self.pump(on_info).map_err($crate::CommandError::Io)?;
                $crate::procedures::ended(finished, self.core.malformed())
            }}, {{
                // No lines wanted (`None`: a set, the procedures' own lines): a closure that
                // drops them, here, where the exchange's future holds it (no caller's future
                // around it). (The blocking adapter's callers pass a closure of their own, as
                // before: an `Option` there cost the blocking client 64 bytes, see `lines!`.)
                let mut ignore = |_: cat1_at_parse::InfoLine<'_>| {};
                let on_info: &mut $crate::procedures::Lines<'_> = match on_info {
                    Some(f) => f,
                    None => &mut ignore,
                };
                let mut skip = |_: cat1_at_parse::InfoLine<'_>| {};
                let mut start = Some(start);
                // Twice round when an exchange is still in flight (`finish_abandoned`'s case:
                // seen through first, its lines skipped), once otherwise: one wait for both in
                // the future (`pump!` expanded once; a call of `finish_abandoned` cost
                // client-async `.text` +360 bytes).
                loop {
                    // As in `finish_abandoned`: a cut line ended first, in flight or not.
                    if self.carry.cut
                        && $crate::procedures::write_all!($mode, self.uart, b"\r").is_ok()
                    {
                        self.carry.cut = false;
                    }
                    let abandoned = self.core.is_busy();
                    if !abandoned {
                        // `settle_if_needed`, in this body (its call was a future's layer of
                        // its own around `drain`'s: 28 bytes).
                        if self.core.is_unsynchronised() {
                            let settle = self.timing.settle;
                            if self.quiet_lines(settle).await.map_err($crate::CommandError::Io)? {
                                self.core.settled();
                            }
                        }
                        // Taken the one time the core is idle here: the loop ends below.
                        let Some(start) = start.take() else {
                            return Err($crate::CommandError::Start($crate::StartError::Busy));
                        };
                        let timer = &self.timer;
                        let bytes = Self::start_bytes(&mut self.core, start, wait, timeout, || timer.now())?;
                        $crate::procedures::write_line!($mode, self.uart, bytes, &mut self.carry.cut)?;
                        // Flushed and waited for as `answer` does, here, not through it.
                        self.uart.flush().await.map_err($crate::CommandError::Io)?;
                    }

                    let lines: &mut $crate::procedures::Lines<'_> =
                        if abandoned { &mut skip } else { &mut *on_info };
                    // As in the blocking adapter's: cleared where it is read.
                    self.core.clear_malformed();
                    let finished = pump!(self, lines).map_err($crate::CommandError::Io)?;
                    if !abandoned {
                        return $crate::procedures::ended(finished, self.core.malformed());
                    }
                    // Counted once seen through (see `finish_abandoned`).
                    self.core.count_abandoned();
                }
            }})
        }

        $crate::procedures::by_mode!($mode, {}, {
        /// `exchange`'s line written into the core's transmit buffer and its exchange started
        /// (the async adapter's; the blocking one's `exchange` has the same match written out).
        #[inline(always)]
        fn start_bytes<'c>(
            core: &'c mut $crate::Core<{ cat1_at_parse::MAX_LINE }>,
            start: $crate::procedures::Start<'_, '_, $crate::procedures::set_item!($mode)>,
            wait: $crate::procedures::Wait,
            timeout: cat1_hal_traits::time::Duration,
            // Taken in each arm, just before the line is written (the time taken once before
            // the `match` cost the blocking client 20 bytes).
            now: impl FnOnce() -> cat1_hal_traits::time::Instant,
        ) -> Result<&'c [u8], $crate::CommandError<E>> {
            Ok(match start {
                // Through the core's start of fixed lines, which writes the line and takes its
                // exchange with no `Encoded` in between (less flash than the shared `run`'s
                // path); with `set`, a typed set's line written by its encoder, `line` its bare
                // line.
                // (Nothing in flight: the caller's loop tested `is_busy`.)
                $crate::procedures::Start::Fixed(line, set) => core
                    .start_idle_line(line, $crate::procedures::by_mode!($mode, { set }, { set.as_ref() }), wait == $crate::procedures::Wait::Reply, timeout, now())
                    .map_err($crate::CommandError::Start)?
                    .map_err($crate::CommandError::Request)?,
                // Written by `encode` once the core is idle, its exchange built with it, by
                // `start` (`start_unfixed`), a function named only where such a start is made:
                // in a firmware without one, the async adapter's `exchange`, whose future keeps
                // this arm (its `start` is data), keeps an indirect call only (client-async
                // `.text` -188 bytes). The time is taken before the line is written, as for a
                // fixed line above (it was taken after, a few microseconds later).
                $crate::procedures::Start::Encode(start, encode, values) => {
                    start(core, encode, values, timeout, now()).map_err($crate::procedures::refused)?
                }
            })
        }
        });

        /// Reads every setting of the module into `config` (which should start as the factory
        /// configuration of its model): each query answer is applied as the set line it mirrors.
        /// Answers that do not apply (an unset backup server, `+SOCKABK:,1`) leave the value as
        /// it was, which for a factory start is the unset value the module reports.
        pub $($asyncness)? fn read_config(
            &mut self,
            config: &mut cat1_config::Config,
        ) -> Result<(), $crate::CommandError<E>> {
            for spec in cat1_config::commands::ALL.iter() {
                if !spec.setting || !spec.has(cat1_config::spec::Forms::QUERY) {
                    continue;
                }
                let name = spec.name.as_bytes();
                let timeout = self.timing.command;
                maybe_await!($mode, self.plain(Some(name), true, timeout, &mut |info: cat1_at_parse::InfoLine<'_>| {
                    if !info.is_continuation() {
                        let _ = config.apply(&cat1_at_parse::CommandLine::set(name, info.raw_params()));
                    }
                }))?;
            }
            Ok(())
        }

        /// Applies a profile: reads the module's configuration into `scratch`, sends only the set
        /// commands that differ from `wanted` (cat1-config's diff), saves once with `AT+S`, waits
        /// for the banner (the profile's `AT+STMSG`), enters command mode again and reads the
        /// configuration back to verify. Returns the number of set commands sent (0: nothing
        /// differed, nothing saved). `scratch` holds the module's configuration meanwhile (a
        /// `Config` is a few KB: the caller decides where it lives).
        pub $($asyncness)? fn apply_profile(
            &mut self,
            model: cat1_config::Model,
            wanted: &cat1_config::Config,
            scratch: &mut cat1_config::Config,
        ) -> Result<usize, $crate::ProfileError<E>> {
            use $crate::ProfileError;
            let banner = &wanted.startup_message;
            *scratch = cat1_config::Config::factory(model);
            maybe_await!($mode, self.read_config(scratch)).map_err(ProfileError::Command)?;
            let mut sent = 0usize;
            for step in cat1_config::diff::diff(scratch, wanted) {
                let step = step.map_err(|u| ProfileError::Unreachable(u.command))?;
                let tx = maybe_await!($mode, self.idle_tx()).map_err(ProfileError::Command)?;
                let encoded = $crate::core::encode_typed_line(step.emit(wanted, tx).map_err(Into::into), tx);
                let timeout = self.timing.command;
                maybe_await!($mode, self.run(encoded, timeout, &mut |_: cat1_at_parse::InfoLine<'_>| {}))
                .map_err(ProfileError::Command)?;
                sent = sent.saturating_add(1);
            }
            if sent == 0 {
                return Ok(0);
            }
            maybe_await!($mode, self.save_and_restart(banner.as_bytes())).map_err(ProfileError::Command)?;
            // After the banner the module is in its saved work mode: a transparent mode needs the
            // handshake (a probe would go to the network as data), CMD mode answers at once.
            if wanted.work_mode == cat1_config::keywords::WorkMode::Cmd {
                maybe_await!($mode, self.enter_command_mode()).map_err(ProfileError::Enter)?;
            } else {
                maybe_await!($mode, self.enter_command_mode_without_probe())
                    .map_err(ProfileError::Enter)?;
            }
            *scratch = cat1_config::Config::factory(model);
            maybe_await!($mode, self.read_config(scratch)).map_err(ProfileError::Command)?;
            if cat1_config::diff::diff(scratch, wanted).next().is_some() {
                return Err(ProfileError::NotApplied);
            }
            Ok(sent)
        }

        /// Probes with `AT`: `true` when the module answers `OK` (it is in command mode). `false`
        /// also when the `AT` could not be sent: after a timeout, a line that never went quiet
        /// within the settle time and a command's timeout (the core unsynchronised).
        pub $($asyncness)? fn probe(&mut self) -> Result<bool, $crate::UartError<E>> {
            let r = maybe_await!($mode, self.run_fixed($crate::procedures::AT, None, $crate::procedures::Wait::Probe, $crate::procedures::no_lines!($mode)));
            self.probed(r)
        }

        /// What the probe's exchange ended in: `true` when the module answered `OK`.
        #[inline(always)]
        fn probed(&mut self, r: Result<(), $crate::CommandError<E>>) -> Result<bool, $crate::UartError<E>> {
            match r {
                Ok(()) => Ok(true),
                Err($crate::CommandError::Io(e)) => Err($crate::UartError::Io(e)),
                Err($crate::CommandError::WriteZero) => Err($crate::UartError::WriteZero),
                Err($crate::CommandError::Timeout) => {
                    self.core.probe_unanswered();
                    Ok(false)
                }
                Err(_) => Ok(false),
            }
        }

        /// Reaches command mode: an `AT` probe first; if nothing answers, the `+++` / `a` / `+ok`
        /// handshake (protocol-notes §1) with the guard silence before it, then `AT` to confirm.
        /// After a timeout on a line that never goes quiet (a transparent mode with a steady
        /// stream) the probe cannot be sent: `Err(Confirm(Start(Unsynchronised)))`, no `+++` to
        /// a module that may be in command mode; use [`Self::enter_command_mode_without_probe`]
        /// when the module is known to be in a transparent mode.
        ///
        /// The probe's `AT\r` reaches the network as data when the module is in a transparent
        /// mode; use [`Self::enter_command_mode_without_probe`] where that matters.
        pub fn enter_command_mode(&mut self) -> $crate::procedures::returns!($mode, Result<(), $crate::EnterError<E>>) {
            $crate::procedures::by_mode!($mode, {{
                self.enter(true)
            }}, {
                self.enter(true)
            })
        }

        /// The handshake alone (see [`Self::enter_command_mode`]).
        pub fn enter_command_mode_without_probe(
            &mut self,
        ) -> $crate::procedures::returns!($mode, Result<(), $crate::EnterError<E>>) {
            self.enter(false)
        }

        /// [`Self::enter_command_mode`] (`probe`) or [`Self::enter_command_mode_without_probe`]:
        /// one body, which the async adapter's two return as it is: no future of their own,
        /// nor [`Self::probe`]'s, around its steps (client-async `.text` -72 bytes). The
        /// blocking `enter_command_mode` calls `probe` first, as before (`probe` true here
        /// moved LLVM's outlining in the blocking client: +8 bytes).
        #[inline]
        $($asyncness)? fn enter(&mut self, probe: bool) -> Result<(), $crate::EnterError<E>> {
            if probe {
                let r = maybe_await!($mode, self.run_fixed($crate::procedures::AT, None, $crate::procedures::Wait::Probe, $crate::procedures::no_lines!($mode)));
                // The probe not sent (after a timeout, the line never quiet: the core
                // unsynchronised) says nothing of the mode: no `+++` to a module that may be in
                // command mode, where it would spoil the next line (review 35).
                if let Err(e @ $crate::CommandError::Start($crate::StartError::Unsynchronised)) = r {
                    return Err($crate::EnterError::Confirm(e));
                }
                if self.probed(r)? {
                    return Ok(());
                }
            }
            use $crate::{EnterError, EnterStep};
            let guard = self.timing.guard;
            // Whatever was in flight (the probe, which transparent mode forwards as data) is
            // over: the guard silence also proves no late answer is coming. An exchange a caller
            // abandoned (after the probe the core is idle: only such a one can be in flight
            // here) is seen through first: its answer is the module's, not network data (review
            // 32). (Client-async `.text` +348 bytes, a wait of its own in `enter`'s future; the
            // guard time drained through the core while it was in flight, 316 bytes less, took
            // network data after its end for lines and dropped some: review 33.)
            // In the blocking adapter, not after its own probe: that exchange ended (its `pump`
            // returns only then) or the call returned above, and its line went out whole (a
            // write that failed returned too), so there is nothing to see through nor a cut
            // line to end (client `.text` -12 bytes; `tests/enter_after_probe.rs`). The async
            // adapter's one body for both entries keeps the call (the test there cost its
            // future 32 bytes).
            $crate::procedures::by_mode!($mode, {
                if !probe {
                    self.finish_abandoned().map_err(EnterError::Io)?;
                }
            }, {
                self.finish_abandoned().await.map_err(EnterError::Io)?;
            });
            // What the probe left without a line end (data a transparent mode forwarded from
            // the network) goes to the listener as data, before what the guard time drains, in
            // order; left pending, it would hide the module's `a`, which comes at the start of
            // a line only.
            match self.core.take_partial() {
                cat1_at_parse::Pending::Bytes(partial) => {
                    if !partial.is_empty() {
                        self.listener.data(partial);
                    }
                }
                // More than the line buffer holds (counted as it was dropped): reported as the
                // line's end would have reported it.
                cat1_at_parse::Pending::Dropped(dropped) => self.listener.overflow(dropped),
            }
            // Bounded (`drain_cap`): a line never quiet for the guard time does not hold the
            // handshake forever (it then costs the guard time and a command's timeout); the
            // `+++` goes out anyway: the guard silence protocol-notes §1 asks for is the host's,
            // and the host sent nothing.
            let _quiet = maybe_await!($mode, self.drain(false, guard)).map_err(EnterError::Io)?;
            self.core.settled();
            // Both steps, `+++` then its `a` and `a` then its `+ok`, sent and awaited as the
            // fixed lines are (`run_fixed`, which answers `Ok` for the reply: a handshake's
            // state yields no other end than it and a timeout), in one loop: no start, write and
            // wait of their own in the flash (client `.text` -108 bytes, `.rodata` +64: the two
            // lines). The core is idle and settled here (`finish_abandoned`, the guard time and `settled`,
            // or the escape's reply), so `run_fixed`'s idle and settle checks pass, as
            // `Core::start_handshake`, which has none, would have started. The confirming `AT`
            // is the loop's third step (`HANDSHAKE`, read from `.rodata`, not built on the
            // stack): one call site of `run_fixed` less, its error `Confirm` (client `.text`
            // -48, client-async -76, `.rodata` +24 each).
            for &(line, wait, step) in &$crate::procedures::HANDSHAKE {
                let confirming = step == EnterStep::Confirming;
                if confirming {
                    // After a handshake, echo is whatever the saved configuration says:
                    // factory default on, but a module configured with AT+E=OFF does not echo.
                    // Accept either.
                    self.core.set_echo($crate::Echo::Unknown);
                }
                match maybe_await!($mode, self.run_fixed(line, None, wait, $crate::procedures::no_lines!($mode))) {
                    Ok(()) => {}
                    Err(e) if confirming => return Err(EnterError::Confirm(e)),
                    Err($crate::CommandError::Io(e)) => return Err(EnterError::Io(e)),
                    Err($crate::CommandError::WriteZero) => return Err(EnterError::WriteZero),
                    Err(_) => return Err(EnterError::Handshake(step)),
                }
            }
            Ok(())
        }

        /// Leaves command mode (`AT+ENTM`): the module returns to its saved work mode without
        /// saving (protocol-notes §1).
        /// In the async adapter, a plain function returning the exchange's future (no future
        /// of its own around it).
        pub fn leave_command_mode(
            &mut self,
        ) -> $crate::procedures::returns!($mode, Result<(), $crate::CommandError<E>>) {
            self.run_fixed($crate::procedures::ENTM, None, $crate::procedures::Wait::Command, $crate::procedures::no_lines!($mode))
        }

        /// Sends `command` (`AT+S`, `AT+Z` or `AT+CLEAR`), then waits for the module's banner
        /// (`AT+STMSG`) instead of a fixed delay. Afterwards the module is in its saved work mode.
        pub $($asyncness)? fn restart_with(
            &mut self,
            command: &cat1_at_parse::CommandLine<'_>,
            banner: &[u8],
        ) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, self.command(command, |_| {}))?;
            let restart = self.timing.restart;
            let seen = maybe_await!($mode, self.wait_for_line(banner, restart))
                .map_err($crate::CommandError::Io)?;
            // Factory echo is on; a saved AT+E=OFF is not known here.
            self.core.set_echo($crate::Echo::Unknown);
            if seen { Ok(()) } else { Err($crate::CommandError::Timeout) }
        }

        /// `AT+S`: saves and restarts, waiting for `banner`.
        pub $($asyncness)? fn save_and_restart(&mut self, banner: &[u8]) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, self.restart_with(&cat1_at_parse::CommandLine::execute(b"S"), banner))
        }

        /// `AT+SIGNINAT=<password>`: logs in when `AT+SAFEATEN=ON` (protocol-notes §11). A wrong
        /// password is `Err(Cme(73))`.
        pub $($asyncness)? fn login(&mut self, password: &[u8]) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, self.command(&cat1_at_parse::CommandLine::set(b"SIGNINAT", password), |_| {}))
        }

        /// Sends `data` on `socket` as one socket-distribution frame (`AT+SDPEN=ON`,
        /// protocol-notes §4): header, data and checksum back to back, no copy.
        pub $($asyncness)? fn send_on(
            &mut self,
            socket: $crate::sdp::SocketId,
            data: &[u8],
        ) -> Result<(), $crate::CommandError<E>> {
            let Some((head, sum)) = $crate::sdp::frame_parts(socket, data) else {
                return Err($crate::CommandError::Start($crate::StartError::Encode(
                    cat1_at_parse::EncodeError::BufferTooSmall { needed: data.len() },
                )));
            };
            $crate::procedures::write_all!($mode, self.uart, &head)?;
            $crate::procedures::write_all!($mode, self.uart, data)?;
            $crate::procedures::write_all!($mode, self.uart, &[sum])?;
            maybe_await!($mode, self.uart.flush()).map_err($crate::CommandError::Io)
        }

        /// Writes application data (transparent mode).
        pub $($asyncness)? fn write_data(&mut self, data: &[u8]) -> Result<(), $crate::UartError<E>> {
            $crate::procedures::write_all!($mode, self.uart, data)?;
            maybe_await!($mode, self.uart.flush()).map_err($crate::UartError::Io)
        }

        /// After a timeout or an abort: waits for quiet so a late answer cannot be taken for the
        /// next command's (see [`crate::core`]). The wait gives up after the settle time and a
        /// command's timeout (`drain_cap`), leaving the core unsynchronised: the start then
        /// refuses (`StartError::Unsynchronised`) and the next call tries again.
        $($asyncness)? fn settle_if_needed(&mut self) -> Result<(), E> {
            maybe_await!($mode, self.finish_abandoned())?;
            if self.core.is_unsynchronised() {
                let settle = self.timing.settle;
                // Not quiet in time: left unsynchronised, the start refuses
                // (`StartError::Unsynchronised`) and the caller has control back (review 33).
                if maybe_await!($mode, self.quiet_lines(settle))? {
                    self.core.settled();
                }
            }
            Ok(())
        }
    };
}

/// When a wait for quiet (`drain`) gives up: after `duration` and a command's timeout more. A
/// module or network that never pauses for `duration` would otherwise hold the caller forever
/// (review 33); given up, the core stays unsynchronised and the next start refuses
/// (`StartError::Unsynchronised`), handing control back.
pub(crate) fn drain_cap(
    now: cat1_hal_traits::time::Instant,
    duration: cat1_hal_traits::time::Duration,
    timing: &crate::Timing,
) -> cat1_hal_traits::time::Instant {
    now.saturating_add(duration).saturating_add(timing.command)
}

/// Writes all of `bytes` to the UART. embedded-io's `write_all` panics when `write` returns
/// `Ok(0)` for bytes it was given (which embedded-io forbids a driver to do, but a driver passing
/// a closed socket's `Ok(0)` on does); this loop reports it as `UartError::WriteZero`. A count
/// beyond what `write` was given (a broken driver) is taken
/// as all of it, not sliced past the end.
///
/// `cut` is set once some of the bytes went out and cleared once all of them did: for a
/// command's line, `Carry::cut`; for data, a flag of its own (`write_all!`).
pub(crate) fn write_line_blocking<W: embedded_io::Write>(
    uart: &mut W,
    mut bytes: &[u8],
    cut: &mut bool,
) -> Result<(), crate::UartError<W::Error>> {
    while !bytes.is_empty() {
        match uart.write(bytes) {
            Ok(0) => return Err(crate::UartError::WriteZero),
            Ok(n) => {
                *cut = true;
                bytes = bytes.get(n.min(bytes.len())..).unwrap_or(&[])
            }
            Err(e) => return Err(crate::UartError::Io(e)),
        }
    }
    *cut = false;
    Ok(())
}

/// [`write_line_blocking`] for the async adapter.
pub(crate) async fn write_line_async<W: embedded_io_async::Write>(
    uart: &mut W,
    mut bytes: &[u8],
    cut: &mut bool,
) -> Result<(), crate::UartError<W::Error>> {
    while !bytes.is_empty() {
        match uart.write(bytes).await {
            Ok(0) => return Err(crate::UartError::WriteZero),
            Ok(n) => {
                *cut = true;
                bytes = bytes.get(n.min(bytes.len())..).unwrap_or(&[])
            }
            Err(e) => return Err(crate::UartError::Io(e)),
        }
    }
    *cut = false;
    Ok(())
}

macro_rules! write_line {
    (blocking, $uart:expr, $bytes:expr, $cut:expr) => {
        $crate::procedures::write_line_blocking(&mut $uart, $bytes, $cut)
    };
    (async, $uart:expr, $bytes:expr, $cut:expr) => {
        $crate::procedures::write_line_async(&mut $uart, $bytes, $cut).await
    };
}

/// `write_line_blocking` or `write_line_async` for bytes that are not a command's line, by the
/// adapter's mode.
macro_rules! write_all {
    (blocking, $uart:expr, $bytes:expr) => {
        $crate::procedures::write_line_blocking(&mut $uart, $bytes, &mut false)
    };
    (async, $uart:expr, $bytes:expr) => {
        $crate::procedures::write_line_async(&mut $uart, $bytes, &mut false).await
    };
}

/// The blocking adapter's code (the first block) or the async one's (the second), in
/// `procedures!`.
macro_rules! by_mode {
    (blocking, { $($blocking:tt)* }, { $($asynch:tt)* }) => {
        $($blocking)*
    };
    (async, { $($blocking:tt)* }, { $($asynch:tt)* }) => {
        $($asynch)*
    };
}

/// The type of the information lines' receiver that `exchange` and `run_fixed` take: in the
/// async adapter optional, `None` for no lines wanted (`no_lines!`), so that a caller that wants
/// none has no closure for the exchange's future to borrow (`set` and `leave_command_mode`
/// return that future as it is). The blocking adapter's as before, a closure for no lines (an
/// `Option` there too: client `.text` +64 bytes, the select in `run_fixed` and the closures'
/// vtables).
macro_rules! lines {
    (blocking, $l:lifetime) => {
        &$l mut $crate::procedures::Lines<'_>
    };
    (async, $l:lifetime) => {
        Option<&$l mut $crate::procedures::Lines<'_>>
    };
}

/// The typed set that `run_fixed` takes: by value in the async adapter, whose `set` returns the
/// exchange's future holding it; by reference in the blocking one, as before (by value, its
/// three words passed at every call cost the bench's exchange 64 bytes; copied in `run_fixed`,
/// 28).
macro_rules! set_arg {
    (blocking, $l:lifetime) => {
        Option<&$l $crate::core::SetCall<$l, $l>>
    };
    (async, $l:lifetime) => {
        Option<$crate::core::SetCall<$l, $l>>
    };
}

/// The typed set `Start::Fixed` holds (see `set_arg!`).
macro_rules! set_item {
    (blocking) => {
        &$crate::core::SetCall<'_, '_>
    };
    (async) => {
        $crate::core::SetCall<'_, '_>
    };
}

/// The closure `$c` owning what it captures (`move`) in the blocking adapter, borrowing it in the
/// async one (see `read_value`).
macro_rules! owning {
    (blocking, $($c:tt)*) => {
        move $($c)*
    };
    (async, $($c:tt)*) => {
        $($c)*
    };
}

/// No information lines wanted (see `lines!`).
macro_rules! no_lines {
    (blocking) => {
        &mut |_: cat1_at_parse::InfoLine<'_>| {}
    };
    (async) => {
        None
    };
}

/// Information lines to `$e` (see `lines!`).
macro_rules! some_lines {
    (blocking, $e:expr) => {
        $e
    };
    (async, $e:expr) => {
        Some($e)
    };
}

/// The return type of a procedure that `procedures!` writes as a plain function returning a
/// future of another (`run_fixed`, `set` and `leave_command_mode`, which return `exchange`'s;
/// entering command mode, `enter`'s): the value itself in the blocking adapter, a future of it in
/// the async one.
macro_rules! returns {
    (blocking, $t:ty) => {
        $t
    };
    (async, $t:ty) => {
        impl core::future::Future<Output = $t>
    };
}

/// A typed method's exchange: the line fixed at compile time `$line` (with a typed set's
/// `$set`) when `$fits`, decided at compile time, or else the line `$encode` writes from
/// `$values`, a function (for a description of one's own whose name is too long for a fixed
/// line); information lines to `$on_info` (`some_lines!` or `no_lines!`). The blocking adapter
/// calls `run_fixed` or `unfixed`. The async one chooses the start first, without an `await`,
/// and then gives `exchange`'s one future, which its caller awaits (or, `set`, returns): in an
/// `async fn` a branch not taken stays among the future's states when it holds an `await` (only
/// the `await` is reachable to LLVM, with its own copy of the future's handling), so each typed
/// method has one `await`, and what its other branch builds is dead code before it (client-async
/// `.text` -160 bytes). (Not a function: inlined or not, one in the blocking adapter's typed
/// methods moved LLVM's register allocation in `run_fixed`, +16 bytes.)
macro_rules! typed_exchange {
    (blocking, $this:ident, $fits:expr, $line:expr, $set:expr, $encode:expr, $values:expr, $on_info:expr) => {
        if const { $fits } {
            $this.run_fixed(
                $line,
                $set.as_ref(),
                $crate::procedures::Wait::Command,
                $on_info,
            )
        } else {
            $this.unfixed($encode, $values, $on_info)
        }
    };
    // One expression, not a block: a closure given as `$on_info` lives until the caller's
    // `await` ends.
    (async, $this:ident, $fits:expr, $line:expr, $set:expr, $encode:expr, $values:expr, $on_info:expr) => {
        $this.exchange(
            if const { $fits } {
                $crate::procedures::Start::Fixed($line, $set)
            } else {
                $crate::procedures::Start::encode($encode, $values)
            },
            $crate::procedures::Wait::Command,
            $on_info,
        )
    };
}

/// The timeout of `$wait` (`exchange`'s) in `$timing`: the field picked by the discriminant's
/// low two bits, 0 `command`, 2 `handshake` (`Handshake`, and `Reply`, 6), 3 `probe` (1,
/// `guard`, is no `Wait`'s). In the fields' order, 8 bytes apart: LLVM loads the field at the
/// bits times 8, no tests (where it tested `Command`, then `Probe`; a `match` of the variants
/// was a table of the fields' offsets in `.rodata`): client `.text` -20 bytes, client-async
/// -20. A macro, not a function: an `#[inline(always)]` one gave LLVM the variants' values,
/// and it made a jump table of the arms (+24).
macro_rules! timeout_of {
    ($timing:expr, $wait:expr) => {
        match $wait as u8 & 3 {
            0 => $timing.command,
            1 => $timing.guard,
            2 => $timing.handshake,
            _ => $timing.probe,
        }
    };
}

pub(crate) use {
    by_mode, lines, maybe_await, no_lines, owning, procedures, returns, set_arg, set_item,
    some_lines, timeout_of, typed_exchange, write_all, write_line,
};

/// How the adapters' one exchange (`exchange`, in `procedures!`) starts its line.
// Everything by value, nothing borrowed from the caller's frame: a typed set's exchange (its
// `SetCall`, or its encoder and values) is the future `set` returns, with no future of `set`'s
// own around it to hold them.
// The set `S`: a `SetCall` in the async adapter, a reference to one in the blocking one
// (`set_item!`).
pub(crate) enum Start<'a, 'v, S> {
    /// A line fixed at compile time (`run_fixed`); with a typed set's values, its bare line.
    Fixed(&'a cat1_config::request::FixedLine, Option<S>),
    /// A line `encode` writes from the values (a typed set's; none for the other typed
    /// methods) into the transmit buffer once the core is idle (`unfixed`), started by the
    /// function ([`start_unfixed`], see [`Start::encode`]).
    Encode(UnfixedStart, Encoder, &'a [cat1_config::Value<'v>]),
}

/// What writes a line into the transmit buffer from a typed set's values (`Start::Encode`): a
/// function, not a closure, so that nothing of the caller's is borrowed.
pub(crate) type Encoder = for<'x, 'y, 't> fn(
    &'x [cat1_config::Value<'y>],
    &'t mut [u8],
) -> Result<crate::core::Encoded, crate::core::Refused>;

/// [`start_unfixed`]'s signature.
pub(crate) type UnfixedStart = for<'c, 'x, 'y> fn(
    &'c mut crate::Core<{ cat1_at_parse::MAX_LINE }>,
    Encoder,
    &'x [cat1_config::Value<'y>],
    cat1_hal_traits::time::Duration,
    cat1_hal_traits::time::Instant,
) -> Result<&'c [u8], crate::core::Refused>;

impl<'a, 'v, S> Start<'a, 'v, S> {
    /// The start of a line `encode` writes from `values` ([`Start::Encode`]).
    #[inline(always)]
    pub(crate) fn encode(encode: Encoder, values: &'a [cat1_config::Value<'v>]) -> Self {
        Start::Encode(start_unfixed, encode, values)
    }
}

/// Starts the line `encode` writes from `values` into the transmit buffer once the core is
/// idle, with the exchange the encoder built; the bytes to send.
fn start_unfixed<'c>(
    core: &'c mut crate::Core<{ cat1_at_parse::MAX_LINE }>,
    encode: Encoder,
    values: &[cat1_config::Value<'_>],
    timeout: cat1_hal_traits::time::Duration,
    now: cat1_hal_traits::time::Instant,
) -> Result<&'c [u8], crate::core::Refused> {
    let tx = core.idle_tx()?;
    let encoded = encode(values, tx)?;
    Ok(core.start_encoded(encoded, timeout, now))
}

/// The typed query's decoding of a setting's answer by `spec` (`Request::INFO_SPEC`): each
/// information line but continuations decoded in place (`request::decode_info_ok`:
/// `decode_info_with` without the error's code, which is not read here) and its
/// values handed to `on_values` from there (returned in a `Result`, they were copied out by
/// `memcpy`: 730 bytes of flash); `true` for a line that does not decode (see [`OnInfo`]).
/// Made here, by a function that is not generic, so that every request type's `query` shares
/// one closure (one copy of the decoder in the flash), as the one `query_fixed` body shared it
/// before.
pub(crate) fn info_decoder<'a, 'v>(
    spec: &'static cat1_config::CommandSpec,
    on_values: &'a mut (dyn FnMut(&cat1_config::Values<'_>) + 'v),
) -> impl FnMut(cat1_at_parse::InfoLine<'_>) -> bool + use<'a, 'v> {
    move |info: cat1_at_parse::InfoLine<'_>| {
        if info.is_continuation() {
            return false;
        }
        cat1_config::request::decode_info_ok(spec, info, &mut *on_values).is_none()
    }
}

/// An exchange's receiver of its information lines (`pump`, [`dispatch`]).
pub(crate) type Lines<'a> = dyn OnInfo + 'a;

/// What takes an exchange's information lines: [`OnInfo::info`] answers whether the line did not
/// decode, and [`dispatch`] then marks the exchange (`Core::mark_malformed`), which ends in
/// `CommandError::Malformed` where it ends in `OK` (`ended`, in `exchange`). One flag in the
/// core for every typed decoder, where each typed call site had a flag of its own on the stack,
/// its address among the decoder's captures and a test after the call (client `.text` -28
/// bytes, client-async -112, the bench's four such sites). Any closure of an information line
/// is one that decodes every line; a typed decoder is a [`Decoding`]. The line is handed on as
/// its parts (`InfoLine::into_parts`: the line's two words and the name's length, in
/// registers), not whole: an `InfoLine` by value is copied to the stack and passed by its
/// address, and the answer's test cost the adapters' receive path about one instruction an
/// information line (0.1 a byte on the bench's `core only` rows); in parts the path is 0.1 to
/// 0.2 a byte below what it was, for 4 bytes of flash. Hidden, for `benches/qemu-machines`
/// ([`Reads::dispatch`]): not part of the API.
#[doc(hidden)]
pub trait OnInfo {
    /// Takes an information line, as its parts (`InfoLine::into_parts`); `true` when it does
    /// not decode.
    fn info(&mut self, line: &[u8], name_len: usize) -> bool;
}

impl<F: FnMut(cat1_at_parse::InfoLine<'_>)> OnInfo for F {
    #[inline(always)]
    fn info(&mut self, line: &[u8], name_len: usize) -> bool {
        self(cat1_at_parse::InfoLine::from_parts(line, name_len));
        false
    }
}

/// A typed decoder of information lines: the closure answers whether a line did not decode.
pub(crate) struct Decoding<F>(pub(crate) F);

impl<F: FnMut(cat1_at_parse::InfoLine<'_>) -> bool> OnInfo for Decoding<F> {
    #[inline(always)]
    fn info(&mut self, line: &[u8], name_len: usize) -> bool {
        (self.0)(cat1_at_parse::InfoLine::from_parts(line, name_len))
    }
}

/// Which of the `Timing`'s timeouts an exchange of `run_fixed` waits for. Numbered for
/// `timeout_of!`: the low two bits pick the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Wait {
    /// `Timing::command`.
    Command = 0,
    /// `Timing::probe` (the `AT` probe).
    Probe = 3,
    /// `Timing::handshake` (the confirmation `AT` after the handshake).
    Handshake = 2,
    /// `Timing::handshake`, for a handshake step ([`ESCAPE`], [`CONFIRM`]): the framer told
    /// that a reply without a line end is awaited.
    Reply = 6,
}

/// `+++`, awaiting the module's `a` (the first step of the handshake).
pub(crate) const ESCAPE: &cat1_config::request::FixedLine =
    &cat1_config::request::FixedLine::raw(b"+++", crate::core::HANDSHAKE_A);

/// `a`, awaiting the module's `+ok` (the second step of the handshake).
pub(crate) const CONFIRM: &cat1_config::request::FixedLine =
    &cat1_config::request::FixedLine::raw(b"a", crate::core::HANDSHAKE_OK);

/// The handshake's steps (`enter`): the line, its wait and the step a failure reports (the
/// confirming `AT`'s failure is reported whole, as `EnterError::Confirm`).
pub(crate) const HANDSHAKE: [(&cat1_config::request::FixedLine, Wait, crate::EnterStep); 3] = [
    (ESCAPE, Wait::Reply, crate::EnterStep::WaitingForA),
    (CONFIRM, Wait::Reply, crate::EnterStep::WaitingForOk),
    (AT, Wait::Handshake, crate::EnterStep::Confirming),
];

/// `AT`, the probe and the handshake's confirmation, built at compile time with its exchange.
pub(crate) const AT: &cat1_config::request::FixedLine =
    &cat1_config::request::FixedLine::bare(&cat1_config::commands::general::AT);

/// `AT+ENTM`, leaving command mode, built at compile time with its exchange.
pub(crate) const ENTM: &cat1_config::request::FixedLine =
    &cat1_config::request::FixedLine::execute(&cat1_config::commands::general::ENTM);

/// The error for a command that was not sent.
pub(crate) fn refused<E>(r: crate::core::Refused) -> crate::CommandError<E> {
    match r {
        crate::core::Refused::Start(e) => crate::CommandError::Start(e),
        crate::core::Refused::Request(e) => crate::CommandError::Request(e),
    }
}

/// The result of a command exchange.
pub(crate) fn result_of<E>(finished: Finished) -> Result<(), crate::CommandError<E>> {
    ended(finished, false)
}

/// [`result_of`], `Malformed` in place of `Ok` when an information line did not decode
/// (`Core::malformed`): the typed exchanges' one test, in `exchange`.
pub(crate) fn ended<E>(finished: Finished, malformed: bool) -> Result<(), crate::CommandError<E>> {
    use cat1_at_parse::FinalResult;
    // The three errors matched, every other end `Ok` (one arm): `OK`, and the reply a
    // handshake step awaits (`enter_command_mode_without_probe`'s, through `run_fixed`: its
    // state ends with it or a timeout, and a command's never yields it; only the hidden
    // `FixedLine::raw`, this crate's `ESCAPE` and `CONFIRM`, gives a fixed line a handshake's
    // state: every public line starts a command's exchange). A wildcard, not those three ends
    // named: named, in one arm or in their own, LLVM tested each (client `.text` 12 bytes
    // more in benches/footprint, client-async 4).
    match finished {
        Finished::Done(FinalResult::Error) => Err(crate::CommandError::Error),
        Finished::Done(FinalResult::CmeError(code)) => Err(crate::CommandError::Cme(code)),
        Finished::TimedOut => Err(crate::CommandError::Timeout),
        _ if malformed => Err(crate::CommandError::Malformed),
        _ => Ok(()),
    }
}

/// Feeds the bytes pending in `carry` to the core; information lines go to `on_info`, everything
/// unsolicited to the listener. Stops right after the exchange ends and returns how it ended;
/// what follows stays pending (a banner right after `OK` belongs to the next phase, not to the
/// listener). The bytes fed are consumed here, so that only how it ended is returned (in a
/// register, not through memory as a pair with the count would be). Every read to the general
/// way (`Core::receive_chunk`): the adapters' `pump` stores a read of one byte that completes
/// nothing before it comes here ([`Carry::took_one`]), and the other callers are not on
/// a byte's path. When the exchange ends, its end is handled here too, as `end_of_answer` (now
/// the tests' reference) handled it: the LF after a final result's CR dropped, or the flag for
/// it set, with the pending bytes in hand; one place for both adapters' `pump`, where each
/// called `end_of_answer` after this (client `.text` -16 bytes, client-async -12). The drain's
/// calls (`Carry::drained`) end no exchange: the core is idle there (a settle, after a loss),
/// so nothing is handed out that ends one.
pub(crate) fn dispatch<const N: usize, L: crate::Listener>(
    core: &mut crate::Core<N>,
    listener: &mut L,
    carry: &mut Carry,
    on_info: &mut Lines<'_>,
) -> Option<Finished> {
    use crate::Output;
    use cat1_at_parse::Status;
    let mut rest = carry.pending();
    let finished = loop {
        let Status::Complete(output, used) = core.receive_chunk(rest) else {
            // Every pending byte was fed.
            rest = &[];
            break None;
        };
        rest = rest.get(used.min(rest.len())..).unwrap_or(&[]);
        let finished = match output {
            Output::Echo | Output::TimedOut => None,
            Output::Info(info) => {
                let (line, name_len) = info.into_parts();
                if on_info.info(line, name_len) {
                    core.mark_malformed();
                }
                None
            }
            Output::Done(result) => Some(Finished::Done(result)),
            Output::HandshakeA => Some(Finished::HandshakeA),
            Output::HandshakeOk => Some(Finished::HandshakeOk),
            Output::Unsolicited(line) => {
                listener.line(line);
                None
            }
            Output::Overflow { dropped } => {
                listener.overflow(dropped);
                None
            }
        };
        if finished.is_some() {
            break finished;
        }
    };
    // What was not fed is `rest`, the tail of the pending bytes: kept from where it starts (no
    // count of what was fed kept through the loop); none when every byte was fed. After a
    // final result whose line ended at a CR, its LF, when it is the next byte, not kept, or
    // else (nothing left) dropped from the front of the next data read (`end_of_answer`, in
    // place: the flag written back unchanged when the exchange goes on; stored in the arms,
    // `rest` still borrows the buffer, and through `Option`s, the code was 16 to 32 bytes
    // longer).
    let mut kept = rest.len();
    let mut swallow = carry.swallow_lf;
    if let Some(f) = &finished {
        swallow = false;
        if matches!(f, Finished::Done(_)) && carry.cr_before(kept) {
            match rest.first() {
                Some(b'\n') => kept = kept.wrapping_sub(1),
                Some(_) => {}
                None => swallow = true,
            }
        }
    }
    carry.swallow_lf = swallow;
    carry.keep_last(kept);
    finished
}

/// [`dispatch`] before this stop: every read's one byte stored first (`Core::take_read`, now
/// `Carry::took_one`'s in `pump`), each exit consuming apart (`consume_all` when every
/// byte was fed). The reference of `a_read_is_the_general_way` (core.rs), as the old read loop.
#[cfg(test)]
pub(crate) fn dispatch_before<const N: usize, L: crate::Listener>(
    core: &mut crate::Core<N>,
    listener: &mut L,
    carry: &mut Carry,
    on_info: &mut dyn FnMut(cat1_at_parse::InfoLine<'_>),
) -> Option<Finished> {
    use crate::Output;
    use cat1_at_parse::Status;
    let mut rest = carry.pending();
    // (Not a `let` chain: the workspace's rust-version, 1.87, has none.)
    if let &[b] = rest {
        if core.take_read(b) {
            carry.start = carry.end;
            return None;
        }
    }
    while let Status::Complete(output, used) = core.receive_chunk(rest) {
        rest = rest.get(used.min(rest.len())..).unwrap_or(&[]);
        let finished = match output {
            Output::Echo | Output::TimedOut => None,
            Output::Info(info) => {
                on_info(info);
                None
            }
            Output::Done(result) => Some(Finished::Done(result)),
            Output::HandshakeA => Some(Finished::HandshakeA),
            Output::HandshakeOk => Some(Finished::HandshakeOk),
            Output::Unsolicited(line) => {
                listener.line(line);
                None
            }
            Output::Overflow { dropped } => {
                listener.overflow(dropped);
                None
            }
        };
        if finished.is_some() {
            carry.keep_last(rest.len());
            return finished;
        }
    }
    carry.start = carry.end;
    None
}

/// After an exchange ended with a final result: the LF that ends its line is the module's, not the
/// next phase's (after `AT+ENTM` the bytes that follow are data). The adapters' receive path
/// (`Core::receive_chunk`, the framer's general way) leaves it for the next call, so it is dropped here when
/// it is the next byte, or, when the read ended right after the CR, from the front of the next
/// data read ([`drop_banner_lf`]). Every exchange's end sets that flag afresh, so a flag left by an
/// earlier answer (or banner) never eats a LF of later data. [`dispatch`] does this itself
/// since the twenty-first flash round; this is the reference of the tests (which compare the
/// old `dispatch` followed by it with `dispatch` alone).
#[cfg(test)]
pub(crate) fn end_of_answer(carry: &mut Carry, finished: &Finished) {
    carry.swallow_lf = false;
    if !matches!(finished, Finished::Done(_)) || !carry.after_cr() {
        return;
    }
    match carry.pending().first() {
        Some(b'\n') => carry.consume(1),
        Some(_) => {}
        None => carry.swallow_lf = true,
    }
}

/// Bytes read while draining (the guard times of the escape) or as data: the LF that ends the
/// last answer's line or the banner is dropped when it is the first byte read after the read that
/// ended at its CR ([`dispatch`] at an exchange's end, `wait_for_line`). The flag is spent by the first bytes
/// read.
pub(crate) fn skip_lf(carry: &mut Carry) {
    if !carry.is_empty()
        && core::mem::take(&mut carry.swallow_lf)
        && carry.pending().first() == Some(&b'\n')
    {
        carry.consume(1);
    }
}

/// The adapters' read buffer: bytes read from the UART and not yet fed. What follows the end of
/// an exchange in the same read stays here for the next phase. The UART reads into it in place:
/// no buffer on the stack to zero for every read, and no copy of the rest.
#[derive(Debug)]
// The indices before the buffer: at the front of the adapters' `Modem` (see there).
#[repr(C)]
pub(crate) struct Carry {
    start: usize,
    end: usize,
    /// The LF that ends the last answer or the banner is still to come, and is dropped when it
    /// is the first byte read ([`dispatch`], [`skip_lf`], [`drop_banner_lf`]). Here, next to
    /// the indices, rather than in the adapters: a short offset, and one argument less.
    pub(crate) swallow_lf: bool,
    buf: [u8; 64],
    /// A command's line went out in part: set once a write of it took bytes, cleared after its
    /// last (an async UART whose write is not cancel-safe may have sent bytes of a dropped first
    /// write unseen: left so, a spare CR for every line costs more than that rare case).
    /// Still set when its exchange is seen through (`finish_abandoned`), the write failed or its
    /// future was dropped part-way, and the module may hold the line's start in its line
    /// buffer (protocol-notes §1), which would spoil the next line: a CR ends it first (an
    /// empty line, were nothing of it sent, is ignored: errata #1). (Review 35.) After the
    /// buffer: before it, it moved the buffer by a byte and the adapters' receive path read it
    /// slower (anchors fed 16 bytes at a time 27.9 to 31.7 instructions a byte).
    pub(crate) cut: bool,
}

impl Carry {
    pub(crate) const fn new() -> Self {
        Carry {
            start: 0,
            end: 0,
            swallow_lf: false,
            cut: false,
            buf: [0; 64],
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.start >= self.end
    }

    /// The bytes read and not yet fed.
    pub(crate) fn pending(&self) -> &[u8] {
        // Both ends clamped first: the range is then always in the buffer, and LLVM drops the
        // empty slice a failed `get` would give (the bounds are never out of it anyway).
        let end = self.end.min(self.buf.len());
        self.buf.get(self.start.min(end)..end).unwrap_or(&[])
    }

    /// Whether the byte before the last `n` pending bytes is a CR: after
    /// [`Carry::keep_last`] of `n`, the last byte fed ([`dispatch`]).
    pub(crate) fn cr_before(&self, n: usize) -> bool {
        let end = self.end.min(self.buf.len());
        end.wrapping_sub(n)
            .checked_sub(1)
            .and_then(|i| self.buf.get(i))
            .is_some_and(|&b| b == b'\r')
    }

    /// Whether the last byte fed was a CR (`end_of_answer`'s test; [`dispatch`] reads it
    /// with [`Carry::cr_before`]).
    #[cfg(test)]
    pub(crate) fn after_cr(&self) -> bool {
        self.start
            .checked_sub(1)
            .and_then(|i| self.buf.get(i))
            .is_some_and(|&b| b == b'\r')
    }

    /// `n` pending bytes were fed.
    pub(crate) fn consume(&mut self, n: usize) {
        // `start` is at most 64 and `n` a count of bytes in a slice: a plain add, no overflow.
        self.start = self.start.wrapping_add(n).min(self.end);
    }

    /// Every pending byte but the last `n` was fed.
    pub(crate) fn keep_last(&mut self, n: usize) {
        // `n` is at most the pending count, so at most the clamped end (`start <= end <= 64`):
        // the same start as `consume` of the count fed, no overflow.
        self.start = self.end.min(self.buf.len()).wrapping_sub(n);
    }

    /// Drops what is pending.
    pub(crate) fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
    }

    /// The whole buffer, to read into (what was pending is dropped); then [`Carry::filled`].
    pub(crate) fn space(&mut self) -> &mut [u8] {
        self.clear();
        &mut self.buf
    }

    /// `n` bytes were read into [`Carry::space`].
    pub(crate) fn filled(&mut self, n: usize) {
        self.start = 0;
        self.end = n.min(self.buf.len());
    }

    /// [`Carry::filled`] while an exchange is in flight, then [`Carry::took_one`] (what the
    /// adapters' `pump` does with `refill` and `took_one`; the bench's `Reads` calls this): a read of one byte that completes nothing (most reads of a UART fed
    /// a byte at a time) stored by the core at once, `true`, nothing left pending; anything
    /// else left for [`dispatch`], `false`. The same outputs, state and pending bytes as
    /// [`Carry::filled`] and [`dispatch`] (`a_read_is_the_general_way`).
    #[inline(always)]
    pub(crate) fn filled_or_taken<const N: usize>(
        &mut self,
        n: usize,
        core: &mut crate::Core<N>,
    ) -> bool {
        self.filled(n);
        self.took_one(n, core)
    }

    /// After [`Carry::filled`] of a read of `n` bytes (the blocking `pump`, whose `refill`
    /// fills): a read of one byte that completes nothing is stored by the core
    /// (`Core::take_read`) and consumed, `true`; anything else stays, `false`, nothing changed.
    /// The byte is tested where the read put it, at the buffer's front, by the count read, not
    /// through the indices' clamps ([`Carry::pending`]), and consumed by one store. (Tested
    /// before the fill instead, the indices left as [`Carry::space`] left them, `pump` kept its
    /// own copy of the fill: 12 bytes of flash more, and no fewer instructions.)
    #[inline(always)]
    pub(crate) fn took_one<const N: usize>(&mut self, n: usize, core: &mut crate::Core<N>) -> bool {
        let [first, ..] = self.buf;
        if n == 1 && core.take_read(first) {
            self.start = 1;
            return true;
        }
        false
    }

    /// What a drain does with the bytes it read: without the LF that ends the last answer
    /// ([`skip_lf`]), fed as lines to the core (`lines`) or handed to the listener as data; then
    /// dropped. One body for both adapters.
    pub(crate) fn drained<const N: usize, L: crate::Listener>(
        &mut self,
        core: &mut crate::Core<N>,
        listener: &mut L,
        lines: bool,
    ) {
        skip_lf(self);
        if lines {
            let skip: &mut Lines<'_> = &mut |_: cat1_at_parse::InfoLine<'_>| {};
            dispatch(core, listener, self, skip);
        } else {
            let input = self.pending();
            if !input.is_empty() {
                listener.data(input);
            }
        }
        self.clear();
    }

    /// Takes every pending byte, in place.
    pub(crate) fn take_all(&mut self) -> &[u8] {
        // Clamped as in `pending`.
        let end = self.end.min(self.buf.len());
        let start = self.start.min(end);
        self.start = self.end;
        self.buf.get(start..end).unwrap_or(&[])
    }

    /// Moves pending bytes into `out`; returns how many. (A `Writer`: its loop is not turned
    /// into a `memcpy` call.)
    pub(crate) fn take(&mut self, out: &mut [u8]) -> usize {
        let kept = self.pending();
        let n = kept.len().min(out.len());
        cat1_at_parse::Writer::new(out).put(kept.get(..n).unwrap_or(&[]));
        self.consume(n);
        n
    }
}

/// What an adapter runs on every read while an exchange is in flight (its `pump`, without the
/// UART's read and the clock, which are the firmware's): the read buffer filled, a read of one
/// byte that completes nothing stored there ([`Carry::filled_or_taken`]), anything else fed by
/// [`dispatch`], which handles the exchange's end too. For `benches/qemu-machines`,
/// which measures the adapters' receive path with it (`Core::receive_chunk` is crate-private,
/// and `dispatch` and `Carry` with it: this is the one way in, hidden, rather than any of them
/// made public). Not part of the API.
#[doc(hidden)]
#[derive(Debug)]
pub struct Reads {
    carry: Carry,
}

impl Default for Reads {
    fn default() -> Self {
        Self::new()
    }
}

impl Reads {
    /// An empty read buffer.
    pub const fn new() -> Self {
        Reads {
            carry: Carry::new(),
        }
    }

    /// Whether every byte read was fed (an adapter reads again only then).
    pub fn is_empty(&self) -> bool {
        self.carry.is_empty()
    }

    /// The read buffer (64 bytes), to read into as the UART does; then [`Reads::filled`].
    pub fn space(&mut self) -> &mut [u8] {
        self.carry.space()
    }

    /// `n` bytes were read into [`Reads::space`], as the adapters' `pump` takes them while an
    /// exchange is in flight: a read of one byte that completes nothing stored at once
    /// (`Carry::filled_or_taken`), anything else left for [`Reads::dispatch`].
    pub fn filled<const N: usize>(&mut self, n: usize, core: &mut crate::Core<N>) {
        self.carry.filled_or_taken(n, core);
    }

    /// One turn of the adapters' `pump` after its read: the pending bytes fed to `core` up to
    /// the end of the exchange ([`dispatch`]: information lines to `on_info`, the rest to the
    /// listener, and, if it ended, its end handled, as in `pump`); what follows the end stays
    /// pending.
    pub fn dispatch<const N: usize, L: crate::Listener>(
        &mut self,
        core: &mut crate::Core<N>,
        listener: &mut L,
        on_info: &mut Lines<'_>,
    ) -> Option<Finished> {
        dispatch(core, listener, &mut self.carry, on_info)
    }
}

/// Feeds `input` as lines until one equals `wanted`; returns the bytes after that line (the
/// module is then in its work mode, so they are data), or `None` if it did not come.
pub(crate) fn find_line<'i, const N: usize, L: crate::Listener>(
    core: &mut crate::Core<N>,
    listener: &mut L,
    input: &'i [u8],
    wanted: &[u8],
) -> Option<&'i [u8]> {
    use crate::Output;
    use cat1_at_parse::Status;
    let mut rest = input;
    while let Status::Complete(output, used) = core.receive_chunk(rest) {
        rest = rest.get(used..).unwrap_or(&[]);
        match output {
            Output::Unsolicited(line) if line == wanted => {
                // The CR LF that ends the banner may come right after it: not data.
                let skip = rest
                    .iter()
                    .take_while(|&&b| b == b'\r' || b == b'\n')
                    .count();
                return Some(rest.get(skip..).unwrap_or(&[]));
            }
            Output::Unsolicited(line) => listener.line(line),
            Output::Overflow { dropped } => listener.overflow(dropped),
            _ => {}
        }
    }
    None
}

/// The pending bytes of `carry` as data, taken in place (see `read_data_in_place`): without the LF
/// that ends the banner or the last answer when it is the first byte read after it (as
/// [`drop_banner_lf`]; the flag is spent by the first bytes read).
pub(crate) fn data_in_place(carry: &mut Carry) -> &[u8] {
    skip_lf(carry);
    carry.take_all()
}

/// Drops the LF that ends the banner when it arrives as the first byte of the first data read;
/// returns the number of data bytes now at the front of `buf`.
pub(crate) fn drop_banner_lf(swallow_lf: &mut bool, buf: &mut [u8], n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let swallow = core::mem::take(swallow_lf);
    if swallow && buf.first() == Some(&b'\n') {
        // The LF is swapped to the end rather than the data moved down: `copy_within` would link
        // `memmove` (1.5 KB of flash) for this one byte. Once per restart, so the cost is nil.
        let data = buf.get_mut(..n).unwrap_or(&mut []);
        for i in 1..data.len() {
            data.swap(i.saturating_sub(1), i);
        }
        return n.saturating_sub(1);
    }
    n
}

/// [`crate::Timing::DEFAULT`], built field by field in place: the constant as a whole is copied
/// from flash with a `memcpy` call, and on a firmware whose only large copy this is, that links
/// the 730-byte `memcpy`. Kept equal to the constant by a test.
pub(crate) fn default_timing() -> crate::Timing {
    use cat1_hal_traits::time::Duration;
    crate::Timing {
        command: Duration::from_secs(5),
        guard: Duration::from_millis(1000),
        handshake: Duration::from_secs(3),
        probe: Duration::from_millis(300),
        restart: Duration::from_secs(30),
        settle: Duration::from_millis(200),
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::Carry;

    #[test]
    fn a_handshake_reply_is_ok_a_timeout_is_not() {
        use super::{Finished, result_of};
        assert_eq!(result_of::<()>(Finished::HandshakeA), Ok(()));
        assert_eq!(result_of::<()>(Finished::HandshakeOk), Ok(()));
        assert_eq!(
            result_of::<()>(Finished::TimedOut),
            Err(crate::CommandError::Timeout)
        );
    }

    /// `timeout_of!` (the discriminant's low bits) against the tests it replaced, kept here:
    /// every `Wait`, a `Timing` of six different durations.
    #[test]
    fn the_timeout_by_the_low_bits_is_the_tests_one() {
        use super::Wait;
        use cat1_hal_traits::time::Duration;
        fn before(timing: &crate::Timing, wait: Wait) -> Duration {
            if wait == Wait::Command {
                timing.command
            } else if wait == Wait::Probe {
                timing.probe
            } else {
                timing.handshake
            }
        }
        let timing = crate::Timing {
            command: Duration::from_millis(1),
            guard: Duration::from_millis(2),
            handshake: Duration::from_millis(3),
            probe: Duration::from_millis(4),
            restart: Duration::from_millis(5),
            settle: Duration::from_millis(6),
        };
        for wait in [Wait::Command, Wait::Probe, Wait::Handshake, Wait::Reply] {
            let timeout = super::timeout_of!(timing, wait);
            assert_eq!(timeout, before(&timing, wait), "{wait:?}");
        }
    }

    #[test]
    fn the_default_timing_built_in_place_is_the_constant() {
        assert_eq!(super::default_timing(), crate::Timing::DEFAULT);
    }

    proptest::proptest! {
        /// `dispatch` ends an exchange with `keep_last` of what it did not feed, where it
        /// consumed the count it fed (`consume(all - rest)`): the same indices and pending
        /// bytes from any reachable state (a read of up to 64 bytes, some consumed, then some
        /// fed), and a read the UART over-reports (clamped by `filled`).
        #[test]
        fn keep_last_is_consume_of_what_was_fed(
            read in 0usize..80,
            consumed in 0usize..80,
            fed in 0usize..80,
        ) {
            let state = || {
                let mut carry = Carry::new();
                for (i, b) in carry.space().iter_mut().enumerate() {
                    *b = i as u8;
                }
                carry.filled(read);
                let pending = carry.pending().len();
                carry.consume(consumed.min(pending));
                carry
            };
            let mut carry = state();
            let mut old = state();
            let all = carry.pending().len();
            let fed = fed.min(all);
            old.consume(fed);
            carry.keep_last(all - fed);
            proptest::prop_assert_eq!((carry.start, carry.end), (old.start, old.end));
            proptest::prop_assert_eq!(carry.pending(), old.pending());
        }

        /// The typed decoders' mark (`OnInfo::info` answering `true`, `Core::mark_malformed` in
        /// `dispatch`, read by `ended` in the exchange) against the old way, kept here: each
        /// call site's own flag, set by its decoding closure, and its test after the exchange
        /// (`if malformed && result.is_ok() { Malformed } else { result }`). Any answer of
        /// information lines (some refused by the decoder) and a final result or none, in any
        /// chunking: the same lines handed out, the same end, the same flag and result.
        #[test]
        fn the_malformed_mark_is_the_call_sites_flag(
            lines in proptest::collection::vec(
                (proptest::collection::vec(0x21u8..0x7f, 0..12), proptest::bool::ANY),
                0..5,
            ),
            end in 0usize..5,
            chunk in 1usize..24,
        ) {
            use cat1_at_parse::InfoLine;
            use cat1_config::request::Request;
            use cat1_hal_traits::time::{Duration, Instant};
            use std::vec::Vec;
            let mut input = Vec::new();
            let mut refused = Vec::new();
            for (text, refuse) in &lines {
                input.extend_from_slice(b"\r\n+APN: ");
                input.extend_from_slice(text);
                input.extend_from_slice(b"\r\n");
                let mut line = b"+APN: ".to_vec();
                line.extend_from_slice(text);
                refused.push((line, *refuse));
            }
            let finals: [&[u8]; 5] = [b"\r\nOK\r\n", b"\r\nERROR\r\n", b"\r\n+CME ERROR: 3\r\n", b"\r\nOK\r\nAT", b""];
            input.extend_from_slice(finals[end]);
            let refuses = |info: &InfoLine<'_>| {
                refused.iter().any(|(l, r)| *r && l.as_slice() == info.line())
            };
            let run = |old: bool| {
                let mut core = crate::Core::<{ cat1_at_parse::MAX_LINE }>::new();
                let line = <cat1_config::requests::Apn as Request>::QUERY_LINE;
                core.start_line(line, None, false, Duration::from_secs(5), Instant::ZERO)
                    .unwrap()
                    .unwrap();
                core.clear_malformed();
                let mut carry = Carry::new();
                let mut flag = false;
                let mut heard = Vec::new();
                let mut finished = None;
                for piece in input.chunks(chunk) {
                    let space = carry.space();
                    space[..piece.len()].copy_from_slice(piece);
                    carry.filled(piece.len());
                    while finished.is_none() && !carry.is_empty() {
                        finished = if old {
                            let mut on_info = |info: InfoLine<'_>| {
                                heard.push(info.line().to_vec());
                                if refuses(&info) {
                                    flag = true;
                                }
                            };
                            super::dispatch_before(&mut core, &mut (), &mut carry, &mut on_info)
                        } else {
                            let mut on_info = super::Decoding(|info: InfoLine<'_>| {
                                heard.push(info.line().to_vec());
                                refuses(&info)
                            });
                            super::dispatch(&mut core, &mut (), &mut carry, &mut on_info)
                        };
                    }
                }
                let result = finished.map(|f| {
                    if old {
                        let r = super::result_of::<()>(f);
                        if flag && r.is_ok() { Err(crate::CommandError::Malformed) } else { r }
                    } else {
                        super::ended::<()>(f, core.malformed())
                    }
                });
                (heard, finished, result, if old { flag } else { core.malformed() })
            };
            let new = run(false);
            proptest::prop_assert_eq!(&new, &run(true));
            // Not vacuous: a refused line and `OK` give `Malformed`.
            if end == 0 && lines.iter().any(|(_, r)| *r) {
                proptest::prop_assert_eq!(new.2, Some(Err(crate::CommandError::Malformed)));
            }
        }
    }
}
