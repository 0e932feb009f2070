/**
 * The supervisor: a few lines of POSIX sh that lead the process group of one command (it starts
 * in a millisecond, where a Node supervisor would cost a Node start per step). It exists so a
 * command never outlives the CLI that started it, even when the CLI dies by kill -9:
 *
 * - a watcher reads fd 3, a pipe only the CLI holds, until EOF: EOF means the CLI is gone, and
 *   the watcher ends the whole group (SIGTERM, then SIGKILL a second later), grandchildren too;
 * - the command runs with stdin from /dev/null and without fds 3 and 4;
 * - when the command exits, its status goes to fd 4 and the rest of the group (a background
 *   grandchild, the watcher, the supervisor itself) is ended with SIGKILL, so nothing it left
 *   behind can finish the step later;
 * - SIGINT/SIGTERM/SIGHUP sent to the group reach the command (a trap with a handler is reset
 *   in children), while the supervisor stays to report how the command ended.
 *
 * argv: $1 is "1" when the caller's environment names PWD (sh exports PWD otherwise), then the
 * command and its arguments. The command's environment is the supervisor's own.
 */
export const SUPERVISOR_SCRIPT = [
  'keep_pwd=$1; shift',
  '[ "$keep_pwd" = 1 ] || unset PWD',
  "trap 'stopping=1' INT TERM HUP",
  '( cat >/dev/null; kill -TERM 0; sleep 1; kill -KILL 0 ) <&3 4>&- &',
  '"$@" </dev/null 3<&- 4>&- &',
  'pid=$!',
  // a trapped signal interrupts wait: wait again until the command itself has ended
  'while :; do wait "$pid"; code=$?; kill -0 "$pid" 2>/dev/null || break; done',
  'echo "$code" >&4',
  'kill -KILL 0',
].join('\n');
