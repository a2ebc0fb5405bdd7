// Preloaded (`node --require`) by runIsolated: prints the process's peak resident set size (Linux VmHWM) on
// stderr when it exits, so the parent can assert a memory bound that also covers typed arrays and wasm memory.
'use strict';
const { readFileSync } = require('node:fs');

process.on('exit', () => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) process.stderr.write(`PEAK_RSS_KB ${match[1]}\n`);
  } catch {
    // not Linux: no peak to report (the parent sees null)
  }
});
