// Preloaded with `node -r` by bench/startup.mjs: at exit, writes to fd 3 the process's CPU time
// (user + system, all threads, since the process started) in µs, then how many of Node's own
// modules it compiled (process.moduleLoadList) and how many files it required (require.cache).
// CPU time of a start-up barely depends on how busy the machine is, unlike its wall time.
const { writeSync } = require('node:fs');

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).length;
  try {
    writeSync(3, `${user + system} ${builtins} ${Object.keys(require.cache).length - 1}\n`);
  } catch {
    // fd 3 is not open: run outside the bench
  }
});
