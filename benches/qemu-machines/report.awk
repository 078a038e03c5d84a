# atat 0.25's figures for the ANCHORS.md cases (ANCHORS.md; the same as `qemu/report.awk`'s): its
# `Ingress` (digest, response slot and URC channel) fed 1 and 64 bytes at a time, no decoding. The
# client rows include the start and the typed decoding, so the comparison leans against cat1.
function atat_of(label) {
  if (label == "anchors CSQ") return "54,298 (2,585.6/B) | 1,874 (89.2/B)"
  if (label == "anchors CSQ with echo") return "60,961 (2,177.2/B) | 1,887 (67.4/B)"
  if (label == "anchors CME ERROR") return "43,198 (2,399.9/B) | 2,522 (140.1/B)"
  if (label == "anchors CGDCONT") return "1,894,845 (11,696.6/B) | 32,285 (199.3/B)"
  return "- | -"
}
BEGIN {
  atat_note = "atat 0.25's columns: ANCHORS.md's figures for the same responses through atat's `Ingress` (its digest, response slot and URC channel), which exclude the start of the command and any decoding (serde_at adds 350 instructions for CSQ); cat1's include both."
}
# Formats the benchmark's output (see src/main.rs) as benches/results/machines.md; called by run.sh.
# Exit status 3 when a target is missed and check=1.
function pb(x, n) { return sprintf("%.1f", x / 1000 / n) }
function fmtn(s,   o) { o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } return s o }
function cell(x, n) { return sprintf("%s (%s/B)", fmtn(sprintf("%.0f", x / 1000)), pb(x, n)) }
# A set's cell: per byte, and per cycle.
function pc(x, b, n) { return sprintf("%s (%s a cycle)", pb(x, b), fmtn(sprintf("%.0f", x / 1000 / n))) }
function call_of(label) { return label ~ /CGDCONT/ ? "`command`" : "`read_value::<Csq>`" }
function verdict(v, t) { return v <= t ? "met" : "**not met**" }
BEGIN { cn[0] = "1 byte at a time"; cn[1] = "16 bytes at a time"; cn[2] = "64 bytes at a time"; cn[3] = "all at once" }
$1 == "CALIB" { calib = $2 / 1000; overhead = $3 / 1000 }
$1 == "SDP" {
  ns++; ssz[ns] = $2; swire[ns] = $3; senc[ns] = $4
  for (k = 0; k < 4; k++) { sv[ns, k] = $(5 + k); v = $(5 + k) / 1000 / $2; if (v > sworst[k]) sworst[k] = v }
}
$1 == "RX" { nr++; rsz[nr] = $2; for (k = 0; k < 4; k++) rxv[nr, k] = $(4 + k) }
$1 == "PACK" {
  np++; psz[np] = $2
  for (k = 0; k < 4; k++) { pv[np, k] = $(3 + k); v = $(3 + k) / 1000 / $2; if (v > pworst[k]) pworst[k] = v }
}
$1 == "DECODED" { dok = $2; dbad = $3; dgen = $4 }
$1 == "FIXED" { fixed = $2; nfix = $3 }
$1 == "CASE" { na++; alab[na] = $3; ab[na] = $5; for (k = 0; k < 8; k++) av[na, k] = $(6 + k) }
$1 == "TOTAL" { tn[$2] = $4; tb[$2] = $5; for (k = 0; k < 8; k++) tv[$2, k] = $(6 + k) }
$1 == "ACASE" { nq++; qlab[nq] = $3; qb[nq] = $5; for (k = 0; k < 8; k++) xv[nq, k] = $(6 + k) }
$1 == "ATOTAL" { qtn[$2] = $4; qtb[$2] = $5; for (k = 0; k < 8; k++) qtv[$2, k] = $(6 + k) }
$1 == "MCASE" { nm++; mlab[nm] = $3; mb[nm] = $5; for (k = 0; k < 8; k++) mv[nm, k] = $(6 + k) }
$1 == "MTOTAL" { mtn[$2] = $4; mtb[$2] = $5; for (k = 0; k < 8; k++) mtv[$2, k] = $(6 + k) }
$1 == "FAKE" { freads[$2] = $3; fv[$2] = $4 }
$1 == "ONE" && $3 > 64 { nbig++ }
$1 == "ONE" { v = $4 / 1000 / $3; if (v > oworst) { oworst = v; owho = $2 } }
END {
  o = report
  s4 = 10; s6 = 25; miss4 = 0; miss6 = 0
  print "# Cortex-M4 instruction counts: cat1-socket and cat1-client under QEMU" > o
  print "" > o
  print "Written by `benches/qemu-machines/run.sh` (method: `benches/qemu-machines/README.md`, the same as" > o
  print "`benches/qemu`). Guest instructions counted with `-icount shift=0` (deterministic), opt-level 3," > o
  print "fat LTO, `thumbv7em-none-eabihf`. Cells: instructions per operation (per byte)." > o
  print "" > o
  print "## Issue 4: SDP encode plus decode (`cat1_socket::sdp`)" > o
  print "" > o
  print "One cycle: `encode_data` of the payload (module to MCU, socket B) into a buffer, then the frame" > o
  print "(payload + 8 bytes) fed to a `Decoder<1029>` in chunks of the given size until it hands the" > o
  print "frame out. Per byte = per **payload** byte (the 8 framing bytes are included in the cost)." > o
  print "" > o
  print "| payload | encode only | encode + decode, 1 byte at a time | 16 bytes at a time | 64 bytes at a time | all at once |" > o
  print "|---:|---:|---:|---:|---:|---:|" > o
  for (i = 1; i <= ns; i++) printf "| %d | %s | %s | %s | %s | %s |\n", ssz[i], cell(senc[i], ssz[i]), cell(sv[i,0], ssz[i]), cell(sv[i,1], ssz[i]), cell(sv[i,2], ssz[i]), cell(sv[i,3], ssz[i]) > o
  print "" > o
  print "## Issue 4: serial packing (`cat1_socket::packing::Packer`)" > o
  print "" > o
  print "One cycle: the payload fed to a `Packer<4096>` (UARTFL 1024, UARTFT 50 ms) in chunks of the" > o
  print "given size, 1 ms apart, every packet taken; then `poll` after the silence closes the packet" > o
  print "(the 1,024-byte payload closes on length)." > o
  print "" > o
  print "| payload | 1 byte at a time | 16 bytes at a time | 64 bytes at a time | all at once |" > o
  print "|---:|---:|---:|---:|---:|" > o
  for (i = 1; i <= np; i++) printf "| %d | %s | %s | %s | %s |\n", psz[i], cell(pv[i,0], psz[i]), cell(pv[i,1], psz[i]), cell(pv[i,2], psz[i]), cell(pv[i,3], psz[i]) > o
  print "" > o
  printf "Target (issue 4): at most %d instructions per byte. Costliest per byte over the payload sizes:\n\n", s4 > o
  print "| | 1 byte at a time | 16 | 64 | all at once |" > o
  print "|---|---:|---:|---:|---:|" > o
  printf "| SDP encode + decode |" > o; for (k = 0; k < 4; k++) { printf " %.1f: %s |", sworst[k], verdict(sworst[k], s4) > o; if (sworst[k] > s4) miss4++ }; print "" > o
  printf "| packing |" > o; for (k = 0; k < 4; k++) { printf " %.1f: %s |", pworst[k], verdict(pworst[k], s4) > o; if (pworst[k] > s4) miss4++ }; print "" > o
  if (ns >= 1) printf "\nOn large payloads alone (%d bytes): SDP %.1f / %.1f / %.1f / %.1f per byte, packing %.1f / %.1f / %.1f / %.1f.\n", ssz[ns], sv[ns,0]/1000/ssz[ns], sv[ns,1]/1000/ssz[ns], sv[ns,2]/1000/ssz[ns], sv[ns,3]/1000/ssz[ns], pv[np,0]/1000/psz[np], pv[np,1]/1000/psz[np], pv[np,2]/1000/psz[np], pv[np,3]/1000/psz[np] > o
  print "" > o
  if (nr > 0) {
    print "## Issue 6: SDP receive through `cat1_client::sdp::Receiver` (the compact path)" > o
    print "" > o
    print "The cycle of the first table (`encode_data`, then the frame fed in chunks of the given size until" > o
    print "the frame is handed out) through cat1-client's `sdp::Receiver<1029>`, which takes the decoder's" > o
    print "compact path (`Decoder<N, false>`: one byte per turn of its loop, no whole-frame step, no copies" > o
    print "four bytes at a time; less flash, `benches/results/footprint.md`). Encode alone: the first table." > o
    print "" > o
    print "| payload | encode + receive, 1 byte at a time | 16 bytes at a time | 64 bytes at a time | all at once |" > o
    print "|---:|---:|---:|---:|---:|" > o
    for (i = 1; i <= nr; i++) printf "| %d | %s | %s | %s | %s |\n", rsz[i], cell(rxv[i,0], rsz[i]), cell(rxv[i,1], rsz[i]), cell(rxv[i,2], rsz[i]), cell(rxv[i,3], rsz[i]) > o
    print "" > o
  }
  print "## Issue 6: full command/response cycles of `cat1_client::Core`" > o
  print "" > o
  print "One cycle: the command started as the client's API starts it: a line without values (`AT+X?`," > o
  print "`AT+X=?`, `AT+X`) by `Core::start_fixed` with the line a typed request has at compile time" > o
  printf "(`Request::QUERY_LINE`, `TEST_LINE`, `BARE_LINE`, as `query`, `test` and `read` do; %d of %d\n", fixed, nfix > o
  print "cases), a line with values by `Core::start` with its `CommandLine` (parsed beforehand, as" > o
  print "`modem.command` takes it); the answer fed to `Core::receive` in chunks of the given size, every" > o
  print "output taken; *typed decoding*: each information line decoded by cat1-config from the `InfoLine`" > o
  print "the core hands out, as the typed `read_value` does (`info::ReadAnswer`, the `from_info` of `Csq`," > o
  print "`SysInfo`, `Clock`, `Cnum`, `LbsCell`, `NeighbourCell`, `LinkState`, `TextInfo`; `LbsPosition` for" > o
  print "the answers of `AT+LBS=1` and `AT+LBS=2`, commands with values);" > o
  print "a setting's query answer decoded against its description as the typed `query` does (`request::decode_info_with`, the values by reference);" > o
  print "`=?` answers and other lines without a typed parser split into parameters, numbers read as they are split, `ParamIter::next_number`). Per byte = per **received** byte." > o
  printf "Typed parsers accepted %d information lines and refused %d; %d went the generic way.\n", dok, dbad, dgen > o
  print "" > o
  print "| response | bytes | 1 byte at a time | 16 bytes at a time | 64 bytes at a time | all at once | core only, 1 byte at a time | core only, all at once | atat ingress fed 1 byte at a time | atat ingress fed 64 |" > o
  print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" > o
  for (i = 1; i <= na; i++) printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", alab[i], ab[i], cell(av[i,0], ab[i]), cell(av[i,1], ab[i]), cell(av[i,2], ab[i]), cell(av[i,3], ab[i]), cell(av[i,4], ab[i]), cell(av[i,7], ab[i]), atat_of(alab[i]) > o
  print "" > o
  print atat_note > o
  print "" > o
  print "| set (one pass) | responses | bytes | | 1 byte at a time | 16 bytes at a time | 64 bytes at a time | all at once |" > o
  print "|---|---:|---:|---|---:|---:|---:|---:|" > o
  split("anchors manual", sets, " ")
  for (j = 1; j <= 2; j++) {
    s = sets[j]; b = tb[s]
    printf "| %s | %d | %d | with typed decoding, per byte | **%s** | **%s** | **%s** | **%s** |\n", s, tn[s], b, pb(tv[s,0], b), pb(tv[s,1], b), pb(tv[s,2], b), pb(tv[s,3], b) > o
    printf "| | | | core only, per byte | %s | %s | %s | %s |\n", pb(tv[s,4], b), pb(tv[s,5], b), pb(tv[s,6], b), pb(tv[s,7], b) > o
    for (k = 0; k < 4; k++) { v = tv[s,k] / 1000 / b; if (v > s6) miss6++; if (v > w6) w6 = v }
  }
  s = "manual-echo"; b = tb[s]
  if (b > 0) {
    printf "| manual, **with the echo** | %d | %d | with typed decoding, per byte | %s | %s | %s | %s |\n", tn[s], b, pb(tv[s,0], b), pb(tv[s,1], b), pb(tv[s,2], b), pb(tv[s,3], b) > o
    printf "| | | | core only, per byte | %s | %s | %s | %s |\n", pb(tv[s,4], b), pb(tv[s,5], b), pb(tv[s,6], b), pb(tv[s,7], b) > o
  }
  print "" > o
  if (b > 0) {
    print "*With the echo*: the same manual cycles as a module at its factory default (`AT+E` ON) sends" > o
    print "them, the command line echoed (the line the core wrote, then CR) before each response that" > o
    print "does not already start with it, the core told echo is on (`Echo::On`: the answer must follow the" > o
    print "echo). More bytes per cycle (the echo) for nearly the same fixed cost. Not the rows the target is" > o
    print "judged on above, which are measured without the echo, as the manual prints the responses." > o
    print "" > o
  }
  printf "Costliest single manual response, decoded, 1 byte at a time: %.1f per byte (%s).\n", oworst, owho > o
  printf "Target (issue 6): at most %d instructions per received byte (corpus passes, every chunking):\n", s6 > o
  printf "costliest %.1f: %s. For comparison, the framer alone (`benches/results/qemu.md`) and atat\n", w6, verdict(w6, s6) > o
  print "(ANCHORS.md: 54,298 instructions for the 21-byte CSQ answer fed 1 byte at a time)." > o
  print "" > o
  if (nq > 0) {
    print "## Issue 6: the same cycles through the adapters' receive path (`blocking::Modem`, `asynch::Modem`)" > o
    print "" > o
    print "The cycles above (the same cases, start and typed decoding) with the answer fed as the adapters feed" > o
    print "it while an exchange is in flight (their `pump`): each chunk read into the adapters' read buffer" > o
    print "(`Carry`, 64 bytes; a read of one byte that completes nothing stored there, `Core::take_read`)," > o
    print "then `procedures::dispatch` (`Core::receive_chunk`, the framer's general way, up to the end of the" > o
    print "exchange, information lines to the caller's closure, a `dyn` call as in the adapters, the rest to" > o
    print "the listener) and, when it ends, `end_of_answer`, until the buffer is empty (cat1-client's hidden" > o
    print "`bench::Reads`). The UART's read (the chunk copied into the buffer) is the firmware's: measured alone" > o
    print "and subtracted; the clock and `Core::poll` are left out. A read holds at most 64 bytes: *all at once* is reads of 64 bytes for a" > o
    printf "longer response (`CGDCONT`, 162 bytes, and %d manual responses). Checked first: every case in\n", nbig > o
    print "seven chunkings hands out what `Core::receive` hands out (information lines, final result," > o
    print "unsolicited lines, in order; the echo, which `dispatch` drops, left out), the core idle and the" > o
    print "buffer empty after. Per byte = per **received** byte." > o
    print "" > o
    print "| response | bytes | 1 byte at a time | 16 bytes at a time | 64 bytes at a time | all at once | core only, 1 byte at a time | core only, all at once | atat ingress fed 1 byte at a time | atat ingress fed 64 |" > o
    print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" > o
    for (i = 1; i <= nq; i++) printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", qlab[i], qb[i], cell(xv[i,0], qb[i]), cell(xv[i,1], qb[i]), cell(xv[i,2], qb[i]), cell(xv[i,3], qb[i]), cell(xv[i,4], qb[i]), cell(xv[i,7], qb[i]), atat_of(qlab[i]) > o
    print "" > o
    print "Beside `Core::receive`'s figures (the table above), per byte:" > o
    print "" > o
    print "| set (one pass) | bytes | | fed through | 1 byte at a time | 16 bytes at a time | 64 bytes at a time | all at once |" > o
    print "|---|---:|---|---|---:|---:|---:|---:|" > o
    for (j = 1; j <= 2; j++) {
      s = sets[j]; b = qtb[s]
      printf "| %s | %d | with typed decoding | `Core::receive` | %s | %s | %s | %s |\n", s, b, pb(tv[s,0], b), pb(tv[s,1], b), pb(tv[s,2], b), pb(tv[s,3], b) > o
      printf "| | | | **the adapters** | **%s** | **%s** | **%s** | **%s** |\n", pb(qtv[s,0], b), pb(qtv[s,1], b), pb(qtv[s,2], b), pb(qtv[s,3], b) > o
      printf "| | | core only | `Core::receive` | %s | %s | %s | %s |\n", pb(tv[s,4], b), pb(tv[s,5], b), pb(tv[s,6], b), pb(tv[s,7], b) > o
      printf "| | | | the adapters | %s | %s | %s | %s |\n", pb(qtv[s,4], b), pb(qtv[s,5], b), pb(qtv[s,6], b), pb(qtv[s,7], b) > o
      for (k = 0; k < 4; k++) { v = qtv[s,k] / 1000 / b; if (v > wq) wq = v }
    }
    print "" > o
    printf "Through the adapters, costliest %.1f per byte: against the target of 25, %s (not gated by `--check`,\n", wq, (wq <= s6 ? "met" : "**not met**") > o
    print "which judges the `Core::receive` rows above)." > o
    print "" > o
  }
  if (nm > 0) {
    print "## Issue 6: whole command/response cycles through the public `Modem` (`blocking::Modem`, `asynch::Modem`)" > o
    print "" > o
    print "One cycle: the call a firmware makes, from its start to its result: `modem.read_value::<requests::Csq>(|csq| ..)`" > o
    print "(the value's `dbm` taken) for the ANCHORS' CSQ, CSQ with echo (a modem whose core was told echo is on," > o
    print "`Echo::On`) and CME ERROR; `modem.command(&line, |info| ..)` with the parsed `CommandLine` for CGDCONT" > o
    print "(cat1-config has no type for it) and for every manual response, each information line decoded as in" > o
    print "the `Core::receive` rows (typed where a type exists). Counted whole: the start (the typed read's fixed" > o
    print "line copied; `command` encodes its line, where the `Core::receive` rows start 149 manual cases by their" > o
    print "fixed line), the write and flush, the pump loop (`Core::poll` on the clock, `read_ready`, `read`, the" > o
    print "read buffer, `dispatch`, `end_of_answer`), the decoding and the result. The async `Modem`'s future is" > o
    print "polled by a no-op-waker loop, as `benches/footprint`'s `client-async` runs it (one poll: every read is" > o
    print "ready; each read races the timer's `wait_until`, built and never polled). Nothing subtracted but the" > o
    print "measuring loop's overhead (the calibration)." > o
    print "" > o
    printf "The UART is a fake: each read hands out the answer's next bytes, at most the chunk size (and at most\n" > o
    print "the 64 bytes the adapters' read buffer asks for: *all at once* is reads of 64 bytes for a longer answer)," > o
    print "`ReadReady` true while bytes remain; writes are swallowed; its clock and timer stand still (no deadline" > o
    printf "passes). Its own cost, measured alone (the manual set read out of it, `read_ready` then `read`, the loop\n" > o
    printf "around them included), is **in** the figures: %.1f instructions a read of 1 byte, %.1f a read of up to 16\n", fv[0] / 1000 / freads[0], fv[1] / 1000 / freads[1] > o
    printf "(%.1f bytes on average), %.1f a read of up to 64 (%.1f bytes; `memcpy`): %.1f, %.1f and %.1f per received\n", tb["manual"] / freads[1], fv[2] / 1000 / freads[2], tb["manual"] / freads[2], fv[0] / 1000 / tb["manual"], fv[1] / 1000 / tb["manual"], fv[2] / 1000 / tb["manual"] > o
    print "byte of the manual set. Checked first: every case in seven chunkings, through both `Modem`s, hands out" > o
    print "what `Core::receive` hands out (the typed read's values, as `Csq::decode_line` decodes the core's line;" > o
    print "`command`'s information lines, in order; the final result as the call's `Ok`, `Error` or `Cme`), the" > o
    print "counters unmoved (nothing unsolicited, no timeout), the exchange ended. Per byte = per **received** byte." > o
    print "" > o
    print "| response | bytes | call | fed | `Core::receive` | the adapters' receive path | **blocking `Modem`** | **async `Modem`** |" > o
    print "|---|---:|---|---|---:|---:|---:|---:|" > o
    for (i = 1; i <= nm; i++) {
      for (k = 0; k < 4; k++) {
        if (k == 0) printf "| %s | %d | %s | %s |", mlab[i], mb[i], call_of(mlab[i]), cn[k] > o
        else printf "| | | | %s |", cn[k] > o
        printf " %s | %s | **%s** | **%s** |\n", cell(av[i,k], mb[i]), cell(xv[i,k], mb[i]), cell(mv[i,k], mb[i]), cell(mv[i,4+k], mb[i]) > o
      }
    }
    print "" > o
    print "`Core::receive` and the adapters' path: the tables above (the start by the fixed line, the typed decoding;" > o
    print "the adapters' path without the UART's read, the clock and `Core::poll`); the `Core::receive` row of CSQ" > o
    print "with echo is a core not told echo is on." > o
    print "" > o
    print "| set (one pass) | responses | bytes | fed | `Core::receive` | the adapters' receive path | **blocking `Modem`** | **async `Modem`** |" > o
    print "|---|---:|---:|---|---:|---:|---:|---:|" > o
    for (j = 1; j <= 2; j++) {
      s = sets[j]; b = mtb[s]; n = mtn[s]
      for (k = 0; k < 4; k++) {
        if (k == 0) printf "| %s | %d | %d | %s |", s, n, b, cn[k] > o
        else printf "| | | | %s |", cn[k] > o
        printf " %s | %s | **%s** | **%s** |\n", pc(tv[s,k], b, n), pc(qtv[s,k], b, n), pc(mtv[s,k], b, n), pc(mtv[s,4+k], b, n) > o
        for (m = 0; m < 8; m += 4) { v = mtv[s,k+m] / 1000 / b; if (v > wm) { wm = v; wmw = (m ? "async" : "blocking") " " s ", " cn[k] } }
      }
    }
    print "" > o
    printf "Through the public `Modem`, costliest %.1f per received byte (%s): against the target of 25,\n", wm, wmw > o
    printf "%s (a reported figure, not gated by `--check`).\n", (wm <= s6 ? "met" : "**not met**") > o
    print "" > o
  }
  print "## Run" > o
  print "" > o
  printf "- command: `%s`\n", cmd > o
  print "- the `Modem` tables: the same crate built with `--features modem` (a binary of its own, so that the `Modem`s' code leaves the other figures' code as it was), run the same way" > o
  printf "- %s\n", qv > o
  printf "- %s\n", rv > o
  printf "- calibration: %.3f instructions per timer tick (expected 40); loop overhead %.3f per repetition, subtracted\n", calib, overhead > o
  printf "issue 4 worst %.1f/B (target %d, %s); issue 6 worst %.1f/B (target %d, %s); adapters worst %.1f/B; Modem worst %.1f/B\n", (sworst[0] > pworst[0] ? sworst[0] : pworst[0]), s4, (miss4 ? "missed" : "met"), w6, s6, (miss6 ? "missed" : "met"), wq, wm
  if (check && (miss4 || miss6)) exit 3
}
