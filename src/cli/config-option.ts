/**
 * The `--config FILE` option shared by `start` and the `config` commands. Its default is
 * config/default.json of this package, whatever the working directory.
 */
import { Option } from 'commander';
import { fileURLToPath } from 'node:url';

export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../config/default.json', import.meta.url));

export function configFileOption(): Option {
  return new Option('-c, --config <file>', 'JSON config file').default(DEFAULT_CONFIG_FILE, 'config/default.json of the package');
}
