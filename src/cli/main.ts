// jmix-viewer inspect|verify|extract: the same openEnvelope pipeline the browser uses, in Node.
// Exit codes: 0 verdict pass or warn, 1 integrity or decryption failure, 2 unusable input.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { openEnvelope, EnvelopeError, type OpenResult } from '../jmix/index.ts';
import { normaliseEntryPath } from '../jmix/paths.ts';
import { sourceFromPath } from './node-source.ts';
import { describeResult, resultJson } from './format.ts';

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
    if (e instanceof EnvelopeError) out.error(`Cannot open ${args.target}: ${e.message}`);
    else if (err.code === 'ENOENT') out.error(`Cannot open ${err.path ?? args.target}: no such file or folder.`);
    else if (err.code === 'EACCES') out.error(`Cannot open ${err.path ?? args.target}: permission denied.`);
    else out.error(`Cannot open ${args.target}: ${err.message ?? String(e)}`);
    return 2;
  }

  const failed = result.report.verdict === 'fail';
  if (args.command === 'extract') return extract(result, args, out);
  if (args.json) out.log(JSON.stringify(resultJson(result), null, 2));
  else out.log(describeResult(result, args.command === 'verify'));
  return failed ? 1 : 0;
}

async function extract(result: OpenResult, args: Args, out: Out): Promise<number> {
  const { envelope, report } = result;
  if (!envelope.payloadAvailable) {
    out.error(report.checks.find((c) => c.id === 'decrypt')?.status === 'fail' ? `Nothing extracted: ${report.checks.find((c) => c.id === 'decrypt')!.detail}` : 'Nothing extracted: the payload is encrypted. Give the recipient key with --key or --key-file.');
    return envelope.encrypted && report.verdict !== 'fail' ? 2 : 1;
  }
  if (report.verdict === 'fail' && !args.force) {
    out.error(`Nothing extracted: the envelope failed verification (${report.headline}). Run "verify" to see why, or add --force to extract it anyway.`);
    return 1;
  }
  const dest = resolve(args.out ?? `${envelope.id ?? 'envelope'}-payload`);
  let written = 0;
  for (const f of envelope.payload) {
    // The core already refuses escaping paths; check again at the edge where files are written.
    const safe = normaliseEntryPath(f.path);
    const target = 'path' in safe ? resolve(dest, safe.path) : null;
    if (!target || !(target + sep).startsWith(dest + sep)) {
      out.error(`Refused to write "${f.path}": it would land outside ${dest}.`);
      return 2;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await f.bytes());
    written++;
  }
  if (args.json) out.log(JSON.stringify({ ...resultJson(result), extractedTo: dest, files: written }, null, 2));
  else out.log(`${describeResult(result, false)}\n\nExtracted ${written} file(s) to ${join(dest)}`);
  return report.verdict === 'fail' ? 1 : 0;
}
