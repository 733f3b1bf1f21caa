// r2net: run the conformance suites against an implementation, replay a failure, list clauses.
// One file per command under commands/ (each with its own --help); this file dispatches,
// answers --version, and turns errors into one-line messages.
import { log, UsageError } from './args.ts';
import { cmdRun } from './commands/run.ts';
import { cmdReplay } from './commands/replay.ts';
import { cmdList } from './commands/list.ts';
import { cmdReport } from './commands/report.ts';
import { cmdServe } from './commands/serve.ts';
import { packageVersion } from '../iut/reference.ts';

const USAGE = `r2net — conformance suites for the rou2exOS network stack

Usage: r2net COMMAND [OPTIONS]      (r2net COMMAND --help for a command's options)

Commands:
  run      check an implementation against the suites; writes reports to --out (default reports/)
  replay   re-run one counterexample exactly, or every failure of a JSON report (--from)
  report   render the report formats again from a JSON report or a run log; --merge several runs
  list     every clause, its kind and source, and the properties that check it
  serve    the reference (or a deliberately wrong mutant) over the out-of-process protocol;
           --hardware served: its drivers and kernel over protocol-2 hardware requests
  help     this text

  r2net --version   prints the version

Exit status: 0 when every requirement and decision clause passes (hazards never fail a run),
1 when one fails or errors, 2 on a usage or setup error.`;

const COMMANDS: Record<string, (argv: string[]) => number | Promise<number>> = {
  run: cmdRun,
  replay: cmdReplay,
  list: cmdList,
  report: cmdReport,
  serve: cmdServe,
};

/** A reader that closes the pipe (`r2net list | head`) ends our output, not with a stack trace. */
function quietPipes(): void {
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }
}

export async function main(argv: string[]): Promise<number> {
  quietPipes();
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE + '\n');
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
    process.stdout.write(`r2net-conformance ${packageVersion()}\n`);
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!run) {
    log(`r2net: unknown command '${cmd}' (commands: ${Object.keys(COMMANDS).join(', ')}; see r2net --help)`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (e) {
    const err = e as Error;
    if (e instanceof UsageError) {
      log(`r2net ${cmd}: ${err.message} (see r2net ${cmd} --help)`);
      return 2;
    }
    log(`r2net ${cmd}: ${err.message}`);
    if (err.name !== 'ImplementationError' && err.name !== 'SpecError') log(err.stack ?? '');
    return 2;
  }
}
