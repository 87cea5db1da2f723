/**
 * `mm config check` validates a config (and its key file) without connecting anywhere;
 * `mm config print` shows the effective config, sensitive values redacted.
 */
import type { Command } from 'commander';
import { checkCredentials } from '../config/credentials.js';
import { defaultWsUrl, loadConfig, redactedConfig } from '../config/load.js';
import type { AppConfig } from '../config/types.js';
import { configFileOption } from './config-option.js';
import { writeOut } from './output.js';

function endpointSummary(config: AppConfig): string {
  const url = config.exchange.ws_url || defaultWsUrl(config.exchange.env);
  return url === undefined ? 'embedded simulator' : url;
}

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('check or print a configuration');

  config
    .command('check')
    .description('validate a config file and its key file; exit 2 on any problem')
    .addOption(configFileOption())
    .action((options: { config: string }, command: Command) => {
      const loaded = loadConfig({ file: options.config });
      const credentials = checkCredentials(loaded, options.config);
      const key =
        credentials === undefined ? 'no credentials (sim mints an ephemeral key)' : `RSA-${credentials.modulusBits} private key ${credentials.privateKeyPath}`;
      writeOut(command, `config OK: ${loaded.markets.length} markets, env ${loaded.exchange.env} (${endpointSummary(loaded)}), ${key}\n`);
    });

  config
    .command('print')
    .description('print the effective config as JSON (defaults, file and environment merged; secrets redacted)')
    .addOption(configFileOption())
    .action((options: { config: string }, command: Command) => {
      writeOut(command, `${JSON.stringify(redactedConfig(loadConfig({ file: options.config })), null, 2)}\n`);
    });
}
