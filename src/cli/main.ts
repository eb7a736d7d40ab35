// jmix-viewer inspect|verify|extract: the same openEnvelope pipeline the browser uses, in Node.
// Exit codes: 0 verdict pass or warn, 1 integrity or decryption failure, 2 unusable input.
import { readFile, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { openEnvelope, EnvelopeError, type OpenResult } from '../jmix/index.ts';
import { escapeControls } from '../jmix/display-text.ts';
import { sourceFromPath } from './node-source.ts';
import { describeResult, jsonForTerminal, resultJson } from './format.ts';
import { defaultOutFolderName, ExtractRefused, isInside, planExtraction, writeInside } from './extract.ts';

export const USAGE = `Usage: jmix-viewer <command> <envelope> [options]

Opens a JMIX envelope (a folder, .zip, .tar or .tar.gz), decrypts it if needed, verifies it and
reports what it found. Everything happens on this machine; nothing is sent anywhere.

Commands:
  inspect <envelope>   Summary: dialect, sender, receivers, patient, studies and series.
  verify <envelope>    Every integrity and signature check, with the verdict.
  extract <envelope>   Write the (decrypted) payload files to a folder (--out, default ./<id>-payload).

Options:
  --key <base64>       Recipient X25519 private key (base64 or base64url text).
  --key-file <path>    Key file: raw 32 bytes, or base64 text.
  --trust <base64>     An Ed25519 public key you trust for manifest.jws (may be repeated).
  --out <folder>       Where extract writes the payload.
  --force              Let extract write a payload that failed verification.
  --json               Machine-readable output (the verification report plus patient and studies).
  -h, --help           This help.

Exit codes: 0 = verified (pass or warnings), 1 = integrity or decryption failure, 2 = unusable input.`;

interface Args {
  command: string | null;
  target: string | null;
  key?: string | Uint8Array;
  keyFile?: string;
  trust: string[];
  out?: string;
  force: boolean;
  json: boolean;
  help: boolean;
}

export function parseArgs(argv: string[]): Args {
  const a: Args = { command: null, target: null, trust: [], force: false, json: false, help: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value.`);
      return v;
    };
    if (arg === '-h' || arg === '--help') a.help = true;
    else if (arg === '--json') a.json = true;
    else if (arg === '--force') a.force = true;
    else if (arg === '--key') a.key = value();
    else if (arg.startsWith('--key=')) a.key = arg.slice(6);
    else if (arg === '--key-file') a.keyFile = value();
    else if (arg === '--trust') a.trust.push(value());
    else if (arg === '--out') a.out = value();
    else if (arg.startsWith('--')) throw new UsageError(`Unknown option ${arg}.`);
    else rest.push(arg);
  }
  a.command = rest[0] ?? null;
  a.target = rest[1] ?? null;
  if (rest.length > 2) throw new UsageError(`Unexpected argument "${rest[2]}".`);
  return a;
}

class UsageError extends Error {}

type Out = { log: (s: string) => void; error: (s: string) => void };

export async function main(argv: string[], out: Out = { log: (s) => console.log(s), error: (s) => console.error(s) }): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    out.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help || args.command === null) {
    out.log(USAGE);
    return args.help ? 0 : 2;
  }
  if (!['inspect', 'verify', 'extract'].includes(args.command)) {
    out.error(`Unknown command "${args.command}".\n\n${USAGE}`);
    return 2;
  }
  if (!args.target) {
    out.error(`Say which envelope to ${args.command}: a folder, .zip, .tar or .tar.gz.\n\n${USAGE}`);
    return 2;
  }

  let result: OpenResult;
  try {
    const key = args.keyFile ? new Uint8Array(await readFile(args.keyFile)) : args.key;
    const source = await sourceFromPath(args.target);
    result = await openEnvelope(source, { ...(key !== undefined ? { key } : {}), trustedPublicKeys: args.trust });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const target = escapeControls(args.target);
    if (e instanceof EnvelopeError) out.error(`Cannot open ${target}: ${escapeControls(e.message)}`);
    else if (err.code === 'ENOENT') out.error(`Cannot open ${escapeControls(err.path ?? args.target)}: no such file or folder.`);
    else if (err.code === 'EACCES') out.error(`Cannot open ${escapeControls(err.path ?? args.target)}: permission denied.`);
    // Node reads one file into one buffer of at most 2 GiB; a larger archive cannot be read whole.
    else if (err.code === 'ERR_FS_FILE_TOO_LARGE')
      out.error(
        `Cannot open ${target}: the file is larger than 2 GiB, the most the command line reads in one piece. Unpack the archive and give its envelope folder instead.`,
      );
    else out.error(`Cannot open ${target}: ${unexpectedMessage(e)}`);
    return 2;
  }

  const failed = result.report.verdict === 'fail';
  if (args.command === 'extract') return extract(result, args, out);
  if (args.json) out.log(jsonForTerminal(resultJson(result)));
  else out.log(describeResult(result, args.command === 'verify'));
  return failed ? 1 : 0;
}

async function extract(result: OpenResult, args: Args, out: Out): Promise<number> {
  const { envelope, report } = result;
  if (!envelope.payloadAvailable) {
    const decrypt = report.checks.find((c) => c.id === 'decrypt');
    out.error(
      decrypt?.status === 'fail'
        ? `Nothing extracted: ${escapeControls(decrypt.detail)}`
        : 'Nothing extracted: the payload is encrypted. Give the recipient key with --key or --key-file.',
    );
    return envelope.encrypted && report.verdict !== 'fail' ? 2 : 1;
  }
  if (report.verdict === 'fail' && !args.force) {
    out.error(
      `Nothing extracted: the envelope failed verification (${escapeControls(report.headline)}). Run "verify" to see why, or add --force to extract it anyway.`,
    );
    return 1;
  }
  // --out is the user's choice; the default name comes from the envelope id, so it is made safe.
  const dest = resolve(args.out ?? defaultOutFolderName(envelope.id));
  let written = 0;
  try {
    if (args.out === undefined && !isInside(process.cwd(), dest))
      throw new ExtractRefused(
        `Nothing extracted: the default folder ${escapeControls(dest)} is not inside the current folder. Name one with --out.`,
      );
    const plan = planExtraction(
      dest,
      envelope.payload.map((f) => f.path),
    );
    await mkdir(dest, { recursive: true });
    for (const [i, target] of plan.entries()) {
      await writeInside(dest, target, await envelope.payload[i]!.bytes());
      written++;
    }
  } catch (e) {
    const reason =
      e instanceof ExtractRefused
        ? e.message
        : `Stopped: could not write to ${escapeControls(dest)} (${escapeControls((e as Error).message ?? String(e))}).`;
    out.error(written ? `${reason} ${written} file(s) had been written to ${escapeControls(dest)} before that.` : reason);
    return 2;
  }
  if (args.json) out.log(jsonForTerminal({ ...resultJson(result), extractedTo: dest, files: written }));
  else out.log(`${describeResult(result, false)}\n\nExtracted ${written} file(s) to ${escapeControls(dest)}`);
  return report.verdict === 'fail' ? 1 : 0;
}

/**
 * Errors no check anticipated. The engine's own words ("Maximum call stack size exceeded",
 * "Invalid array length") mean an input outgrew the viewer: say so, keep the words for a report.
 */
function unexpectedMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError || /out of memory|allocation failed|cannot be cloned/i.test(message)) {
    return `it is larger or built more deeply than this viewer can hold, and no limit caught it first (the JavaScript engine said: ${escapeControls(message)}). The envelope is crafted or damaged; please report it with the file so a limit can name it.`;
  }
  return escapeControls(message);
}
