# Formats the benchmark's output (see src/main.rs) as benches/results/qemu.md; called by run.sh.
function r(x) { return sprintf("%.0f", x / 1000) }
function pb(x, n) { return sprintf("%.1f", x / 1000 / n) }
function cell(x, n) { return sprintf("%s (%s/B)", fmtn(r(x)), pb(x, n)) }
function fmtn(s,   o) { o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } return s o }
BEGIN {
  # ANCHORS.md: how each case is written there, and atat 0.25 measured on it
  # (digest only, ingress fed 1 byte at a time, ingress fed 64 bytes at a time).
  name[1] = "`\\r\\n+CSQ: 27,99\\r\\n\\r\\nOK\\r\\n`"; atat[1] = "975 | 54,298 | 1,874"
  name[2] = "`AT+CSQ\\r\\r\\n+CSQ: 27,99\\r\\n\\r\\nOK\\r\\n`"; atat[2] = "1,078 | 60,961 | 1,887"
  name[3] = "`\\r\\n+CME ERROR: 10\\r\\n`"; atat[3] = "1,768 | 43,198 | 2,522"
  name[4] = "three-line `+CGDCONT` response and OK"; atat[4] = "1,576 | 1,894,845 | 32,285"
  worst = 0
}
$1 == "CALIB" { calib = $2 / 1000; overhead = $3 / 1000 }
$1 == "CASE" && $2 == "anchors" {
  na++; al[na] = $4
  for (k = 0; k < 8; k++) { av[na, k] = $(5 + k) }
  for (k = 0; k < 4; k++) { v = $(5 + k) / 1000 / $4; if (v > worst) { worst = v; worstwhat = $3 } }
}
$1 == "CASE" && $2 == "manual" {
  for (k = 0; k < 8; k++) { v = $(5 + k) / 1000 / $4; if (v > mmax[k]) { mmax[k] = v; mwho[k] = $3 } }
}
$1 == "TOTAL" && $2 == "manual" {
  mn = $3; mb = $4
  for (k = 0; k < 8; k++) { mv[k] = $(5 + k) }
  for (k = 0; k < 4; k++) { v = $(5 + k) / 1000 / $4; if (v > worst) { worst = v; worstwhat = "the manual corpus" } }
}
END {
  o = report
  print "# Cortex-M4 instruction counts under QEMU" > o
  print "" > o
  print "Written by `benches/qemu/run.sh` (method and calibration: `benches/qemu/README.md`). Guest" > o
  print "instructions executed, counted with `-icount shift=0` (deterministic: the same binary gives the" > o
  print "same figures on every run), opt-level 3, `thumbv7em-none-eabihf`, `Framer<616>` (`MAX_LINE`)." > o
  print "One response = `Expect::command` for the command in flight, then every byte fed to" > o
  print "`Framer::feed` in chunks of the given size, every event taken; *typed decoding*: each" > o
  print "information line split into parameters (`InfoLine::params`) and each parameter parsed with" > o
  print "`parse_int` (the number kept when it is one). Cells: instructions per response (per byte)." > o
  print "" > o
  print "## ANCHORS.md cases, framer and typed decoding, beside atat 0.25" > o
  print "" > o
  print "| response | bytes | cat1: 1 byte at a time | 16 bytes at a time | 64 bytes at a time | all at once | atat digest only | atat ingress fed 1 byte at a time | atat ingress fed 64 bytes at a time |" > o
  print "|---|---:|---:|---:|---:|---:|---:|---:|---:|" > o
  for (i = 1; i <= na; i++) {
    printf "| %s | %d | %s | %s | %s | %s | %s |\n", name[i], al[i], cell(av[i,0], al[i]), cell(av[i,1], al[i]), cell(av[i,2], al[i]), cell(av[i,3], al[i]), atat[i] > o
  }
  print "" > o
  print "atat's figures exclude decoding (ANCHORS.md: serde_at adds 350 instructions for the CSQ" > o
  print "response). Framer only, for the like-for-like comparison with atat's digest:" > o
  print "" > o
  print "| response | bytes | cat1 framer only: 1 byte at a time | 16 | 64 | all at once | atat digest only |" > o
  print "|---|---:|---:|---:|---:|---:|---:|" > o
  for (i = 1; i <= na; i++) {
    split(atat[i], a, " [|] ")
    printf "| %s | %d | %s | %s | %s | %s | %s |\n", name[i], al[i], cell(av[i,4], al[i]), cell(av[i,5], al[i]), cell(av[i,6], al[i]), cell(av[i,7], al[i]), a[1] > o
  }
  print "" > o
  printf "## The manual corpus (%d responses, %d bytes, one pass)\n\n", mn, mb > o
  print "| | 1 byte at a time | 16 bytes at a time | 64 bytes at a time | all at once |" > o
  print "|---|---:|---:|---:|---:|" > o
  printf "| framer and typed decoding, per response | %s | %s | %s | %s |\n", fmtn(sprintf("%.0f", mv[0]/1000/mn)), fmtn(sprintf("%.0f", mv[1]/1000/mn)), fmtn(sprintf("%.0f", mv[2]/1000/mn)), fmtn(sprintf("%.0f", mv[3]/1000/mn)) > o
  printf "| framer and typed decoding, per byte | **%s** | **%s** | **%s** | **%s** |\n", pb(mv[0], mb), pb(mv[1], mb), pb(mv[2], mb), pb(mv[3], mb) > o
  printf "| framer only, per byte | %s | %s | %s | %s |\n", pb(mv[4], mb), pb(mv[5], mb), pb(mv[6], mb), pb(mv[7], mb) > o
  printf "| costliest single response per byte (framer and decoding) | %.1f (%s) | %.1f (%s) | %.1f (%s) | %.1f (%s) |\n", mmax[0], mwho[0], mmax[1], mwho[1], mmax[2], mwho[2], mmax[3], mwho[3] > o
  print "" > o
  printf "Target (issue 2): at most %d instructions per byte in every chunking. Costliest figure above\n", budget > o
  printf "(ANCHORS cases and the manual corpus, framer and decoding): %.1f per byte (%s): %s.\n", worst, worstwhat, (worst <= budget ? "met" : "**not met**") > o
  print "The costliest single responses are the shortest (`\\r\\nOK\\r\\n`, 6 bytes), where the per-response" > o
  print "cost (the `Expect`, one event, the call) is spread over few bytes." > o
  print "" > o
  print "## Run" > o
  print "" > o
  printf "- command: `%s`\n", cmd > o
  printf "- %s\n", qv > o
  printf "- %s\n", rv > o
  printf "- calibration: %.3f instructions per timer tick (expected 40: 25 MHz timer, 1 ns per instruction);\n", calib > o
  printf "  measurement loop overhead %.3f instructions per repetition, subtracted\n", overhead > o
  printf "%.1f %s\n", worst, worstwhat
  if (check && worst > budget) { exit 3 }
}
