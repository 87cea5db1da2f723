/**
 * `npm run config:docs`: prints the config reference table (Markdown) generated from the
 * schema. README.md embeds it between the config-table markers.
 */
import { configReferenceTable } from '../src/config/reference-table.js';

process.stdout.write(configReferenceTable());
