import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

const sourceFolders = ['core/**/*.ts', 'queue/**/*.ts', 'worker/**/*.ts', 'cli/**/*.ts', 'tui/**/*.ts', 'services/**/*.ts', 'bin/**/*.ts'];

/** An import into a folder the importer must not know (docs/ARCHITECTURE.md, "Folders"). */
const forbid = (...folders) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: folders.map((f) => ({
        group: [`**/${f}/**`],
        message: `this folder does not import ${f}/ (docs/ARCHITECTURE.md, Folders)`,
      })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { '@stylistic': stylistic },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Prettier wraps code at 140 (.prettierrc.json); this catches what it cannot wrap: comments and long strings.
      '@stylistic/max-len': ['error', { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    // Tests, benches and migrations hold literal fixtures (mail headers, SQL, expected lines) that read best whole.
    files: ['test/**', 'bench/**', 'migrations/**'],
    rules: {
      '@stylistic/max-len': [
        'error',
        { code: 140, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
    },
  },
  {
    files: sourceFolders,
    ignores: ['core/db/schema.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  { files: ['core/**'], rules: forbid('worker', 'tui', 'cli', 'queue', 'services', 'bin') },
  { files: ['queue/**'], rules: forbid('worker', 'tui', 'cli', 'bin') },
  { files: ['tui/**', 'cli/**'], rules: forbid('worker') },
  {
    // Migrations are written against Kysely<any> on purpose: they must not depend on the
    // current Database interface, which describes the latest schema only.
    files: ['migrations/**', 'core/db/migrate.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
