import { runCommand } from './commands.js';

// The `switchyard` command. Each subcommand lives in its own module; this file only dispatches
// and turns an exit code into the process exit status.
process.exitCode = await runCommand(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
