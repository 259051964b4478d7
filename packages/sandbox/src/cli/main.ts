import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { AppInputError } from '../modules/app/service.js';
import { createSandbox } from '../sandbox.js';
import { ConfigError, DEFAULT_CONFIG_FILE, mergeConfig, parseAppSpec, readConfigFile, readEnvironment, type ServeConfig } from './config.js';
import { bannerJson, formatBanner } from './banner.js';
import { runErrors } from './errors.js';
import { argumentErrorMessage, detectLanguage, messages } from './messages.js';
import { runSnapshot } from './snapshot.js';
import { runOpenApi } from './openapi.js';
import { colourOn, processOutputs, progress } from './terminal.js';
import { LineBuffer, wireLogLine } from './log-destination.js';

/** Runs the `wxshop` command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const language = detectLanguage(argv, process.env);
  const text = messages(language);
  const [command, ...rest] = argv;
  const { out, err } = processOutputs();
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${text.usage}\n`);
    return 0;
  }
  // A reader that stops early (`wxshop openapi | head`) closes the pipe. The one-shot commands
  // then end quietly, as command-line tools do on SIGPIPE, instead of with an EPIPE stack trace.
  if (command === 'snapshot' || command === 'openapi' || command === 'errors') endOnClosedPipe(process.stdout);
  if (command === 'snapshot') return runSnapshot(rest, language, out, err);
  if (command === 'openapi') return runOpenApi(rest, language, out, err);
  if (command === 'errors') return runErrors(rest, language, out, err);
  if (command !== 'serve') {
    process.stderr.write(`${text.unknownCommand(command)}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${text.usage}\n`);
    return 0;
  }

  let config: ServeConfig;
  let json: boolean;
  try {
    ({ config, json } = readServeConfig(rest));
  } catch (error) {
    process.stderr.write(`${text.failed(argumentErrorMessage(error, language))}\n`);
    return 2;
  }
  if (!isLoopbackHost(config.host) && !config.adminKey) {
    process.stderr.write(`${text.failed(text.nonLoopbackNeedsKey)}\n`);
    return 2;
  }

  // Logs go to stderr so that stdout carries only the start-up banner. They are buffered up to
  // 4 KiB and written asynchronously, because a write call per request line costs more than the
  // rest of a simple request. A kill -9 can lose the last buffered lines. No log call passes a
  // token, secret or key, so no redaction pass is needed.
  const destination = new LineBuffer(2);
  // A quiet sandbox would otherwise keep its last lines in the buffer until 4 KiB gather, so
  // lines are written at least every quarter second.
  const logFlusher = setInterval(() => {
    destination.flush();
  }, LOG_FLUSH_INTERVAL_MS);
  logFlusher.unref();
  let sandbox;
  const opened = progress(err, text.opening);
  try {
    const logger = pino({ level: config.logLevel }, destination);
    sandbox = await createSandbox({
      storage: { url: config.db },
      apps: config.apps,
      demoApp: config.apps.length === 0,
      adminKey: config.adminKey,
      logger,
      logWire: wireLogLine(logger, destination),
      redis: config.redis ? { url: config.redis, keyPrefix: config.redisPrefix } : undefined,
    });
  } catch (error) {
    opened();
    clearInterval(logFlusher);
    destination.flushSync();
    process.stderr.write(`${text.failed((error as Error).message)}\n`);
    // An invalid declared app is an invalid argument, like any other bad option or config key.
    return error instanceof AppInputError ? 2 : 1;
  }
  opened();

  let address: string;
  try {
    address = await sandbox.listen(config.host, config.port);
  } catch (error) {
    // A port in use is the usual cause, so report it in the user's language instead of a stack trace.
    await sandbox.close();
    clearInterval(logFlusher);
    destination.flushSync();
    const code = (error as { code?: unknown }).code;
    const message = code === 'EADDRINUSE' ? text.portInUse(`${config.host}:${config.port}`) : (error as Error).message;
    process.stderr.write(`${text.failed(message)}\n`);
    return 1;
  }
  const apps = sandbox.declaredApps.length > 0 ? sandbox.declaredApps : await sandbox.services.apps.list();
  const info = { url: address, storage: sandbox.services.storage.description, apps };
  out.write(json ? bannerJson(info) : formatBanner(info, text, colourOn(out, process.env)));

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sandbox.close();
  clearInterval(logFlusher);
  destination.flushSync();
  return 0;
}

const LOG_FLUSH_INTERVAL_MS = 250;

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LANGUAGES = ['zh', 'en'];

/**
 * Reads the serve settings from flags, WXSHOP_* variables and the config file, and checks them.
 * `json` is true when --json requests the start-up report as one JSON line.
 */
function readServeConfig(args: string[]): { config: ServeConfig; json: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        db: { type: 'string' },
        app: { type: 'string', multiple: true },
        config: { type: 'string' },
        'admin-key': { type: 'string' },
        'log-level': { type: 'string' },
        lang: { type: 'string' },
        redis: { type: 'string' },
        'redis-prefix': { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    // The caller words parseArgs errors in the CLI's language, so they keep their code.
    throw error;
  }

  const values = parsed.values;
  const flags: Partial<ServeConfig> = {};
  if (values.host !== undefined) flags.host = values.host;
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`Invalid --port ${values.port}: expected 0–65535`);
    flags.port = port;
  }
  if (values.db !== undefined) flags.db = values.db;
  if (values.app !== undefined) flags.apps = values.app.map(parseAppSpec);
  if (values['admin-key'] !== undefined) flags.adminKey = values['admin-key'];
  if (values['log-level'] !== undefined) flags.logLevel = values['log-level'];
  if (values.redis !== undefined) flags.redis = values.redis;
  if (values['redis-prefix'] !== undefined) flags.redisPrefix = values['redis-prefix'];

  // Without --config, a wxshop.config.json in the working directory is read when present.
  const configPath = values.config ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  const file = configPath !== undefined ? readConfigFile(configPath) : {};
  const config = mergeConfig(flags, readEnvironment(process.env), file);

  if (config.redis !== undefined && !/^rediss?:\/\//.test(config.redis)) throw new ConfigError(`Invalid Redis URL "${config.redis}": expected redis://host:port`);
  if (!LOG_LEVELS.includes(config.logLevel)) throw new ConfigError(`Invalid log level "${config.logLevel}": use one of ${LOG_LEVELS.join(', ')}`);
  const language = values.lang ?? process.env.WXSHOP_LANG;
  if (language !== undefined && !LANGUAGES.includes(language)) throw new ConfigError(`Invalid language "${language}": use zh or en`);
  return { config, json: values.json === true };
}

/** Exits with status 0 once `stream` fails with EPIPE; any other error is thrown again. */
function endOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}
