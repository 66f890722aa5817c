#!/usr/bin/env node
// Lint the project's Cypher files with Neo4j's official linter (@neo4j-cypher/language-support).
//
// Usage: node tools/lint_cypher.mjs [FILE...]    (or: npm run lint:cypher)
//   Without arguments: every cypher/*.cypher, cypher/filters/*.cypher (but tails)
//   and migrations/*.cypher.
//
// Each file is linted as Cypher 5 (Neo4j 5.26 LTS) and as Cypher 25 (Neo4j 2025.x).
//
// Query files (named queries, one per file) must declare their parameters in a header comment,
// before the query:   // Parameters: $rows, $database     or     // Parameters: none
// Only the declared parameters are known to the linter, so a $param used in the query but not
// declared is an error, and so is a declared parameter the query never uses.
// Migration files (names starting with V) need no header and take no parameters.
//
// Function and procedure calls are checked against the registry of built-in Neo4j functions and
// procedures bundled with the package (its test data); plugin namespaces (APOC, GDS) are left out,
// since the project runs on a plain server. Unknown names are errors, deprecated ones are flagged.
//
// Output: path:line:col severity message [Cypher 5,25]   (1-based; one line per finding, with the
// versions that reported it), then a summary line. Exit 1 on any error, any deprecation or a bad
// header; warnings that are not deprecations are printed but do not fail. Exit 2 on bad usage.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCypherQuery, parseParameters, testData } from '@neo4j-cypher/language-support';

const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
// cypher/filters holds the fragments node filters are composed from (stores/neo4j/_compose.py):
// anchors and conditions are whole queries and linted here; tails are not, and are linted
// inside every composed query by tests/test_cypher_lint.py.
const DEFAULT_DIRS = ['cypher', 'cypher/filters', 'migrations'];
const isFragment = (name) => name.startsWith('tail_');
const VERSIONS = ['5', '25'];
const PLUGIN_NAMESPACE = /^(apoc|gds)\./i;
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };
const DEPRECATED_TAG = 2; // DiagnosticTag.Deprecated (set by the registry-based checks only)
const HEADER = /^\s*\/\/\s*Parameters\s*:(.*)$/i;
const PARAMETER = /^\$(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]+`)$/;

/** Keep only the built-in entries of a registry scoped by Cypher version. */
function builtIns(scoped) {
  return Object.fromEntries(
    Object.entries(scoped).map(([version, registry]) => [
      version,
      Object.fromEntries(Object.entries(registry).filter(([name]) => !PLUGIN_NAMESPACE.test(name))),
    ]),
  );
}

const REGISTRY = {
  functions: builtIns(testData.mockSchema.functions),
  procedures: builtIns(testData.mockSchema.procedures),
};

const isDeprecation = (d) => d.tags?.includes(DEPRECATED_TAG) || /\bdeprecated\b/i.test(d.message);
const isMigration = (file) => basename(file).startsWith('V');
const oneLine = (message) => message.replace(/\s*\n\s*/g, ' ').trim();

/** The project's Cypher files, sorted per folder. */
function projectFiles() {
  const files = [];
  for (const dir of DEFAULT_DIRS) {
    let names;
    try {
      names = readdirSync(join(REPO_ROOT, dir));
    } catch (e) {
      if (e.code === 'ENOENT') continue;
      throw e;
    }
    for (const name of names.filter((n) => n.endsWith('.cypher') && !isFragment(n)).sort()) {
      files.push(join(REPO_ROOT, dir, name));
    }
  }
  return files;
}

/**
 * Read the `// Parameters:` line of a query file's leading comment block.
 * Returns { names, line } (line 0-based) or { problem, line }.
 */
function parseHeader(text) {
  const lines = text.split(/\r?\n/);
  let found = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (!line.startsWith('//')) break; // the query starts: the header block is over
    const match = HEADER.exec(line);
    if (!match) continue;
    if (found) return { problem: 'duplicate // Parameters: header', line: i };
    const declared = match[1].trim();
    if (/^none$/i.test(declared)) {
      found = { names: [], line: i };
      continue;
    }
    const tokens = declared.split(/\s*,\s*/).filter((t) => t !== '');
    const bad = tokens.filter((t) => !PARAMETER.test(t));
    if (tokens.length === 0 || bad.length > 0) {
      return {
        problem: `malformed // Parameters: header (expected "$a, $b" or "none", got "${declared}")`,
        line: i,
      };
    }
    found = { names: tokens.map((t) => t.slice(1).replace(/^`(.*)`$/, '$1')), line: i };
  }
  return found ?? { problem: 'missing // Parameters: header (a comment line before the query)', line: 0 };
}

/** Lint one file; returns its findings as { line, col, kind, message, versions }. */
function lintFile(file) {
  const text = readFileSync(file, 'utf8');
  const findings = [];
  let declared = [];
  if (!isMigration(file)) {
    const header = parseHeader(text);
    if (header.problem) {
      findings.push({ line: header.line, col: 0, kind: 'error', message: header.problem, versions: [] });
    } else {
      declared = header.names;
      const used = new Set(parseParameters(text));
      for (const name of declared.filter((n) => !used.has(n))) {
        findings.push({
          line: header.line,
          col: 0,
          kind: 'error',
          message: `Parameter $${name} is declared in the header but not used.`,
          versions: [],
        });
      }
    }
  }
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  if (withoutComments.trim() === '') {
    findings.push({ line: 0, col: 0, kind: 'error', message: 'no Cypher statement in file', versions: [] });
  }
  // Only what is declared is a known parameter; the value stands for "any type".
  const parameters = Object.fromEntries(declared.map((name) => [name, null]));
  const byKey = new Map();
  for (const version of VERSIONS) {
    const { diagnostics } = lintCypherQuery(text, {
      ...REGISTRY,
      parameters,
      defaultLanguage: `CYPHER ${version}`,
    });
    for (const d of diagnostics) {
      const kind = isDeprecation(d) ? 'deprecated' : (SEVERITY[d.severity] ?? 'error');
      const finding = {
        line: d.range.start.line,
        col: d.range.start.character,
        kind,
        message: oneLine(d.message),
        versions: [],
      };
      const key = `${finding.line}:${finding.col}:${kind}:${finding.message}`;
      if (!byKey.has(key)) byKey.set(key, finding);
      const versions = byKey.get(key).versions;
      if (!versions.includes(version)) versions.push(version);
    }
  }
  findings.push(...byKey.values());
  return findings.sort((a, b) => a.line - b.line || a.col - b.col);
}

function main(args) {
  if (args.some((a) => a.startsWith('-'))) {
    console.error('usage: node tools/lint_cypher.mjs [FILE...]');
    return 2;
  }
  const files = args.length > 0 ? args : projectFiles();
  const shown = (file) => (args.length > 0 ? file : relative(REPO_ROOT, file));
  if (files.length === 0) {
    console.error(`cypher lint: no .cypher files found under ${DEFAULT_DIRS.join(' or ')}`);
    return 1;
  }
  let errors = 0;
  let deprecations = 0;
  for (const file of files) {
    let findings;
    try {
      findings = lintFile(file);
    } catch (e) {
      console.log(`${shown(file)}:1:1 error cannot lint: ${oneLine(e.message)}`);
      errors += 1;
      continue;
    }
    for (const f of findings) {
      if (f.kind === 'error') errors += 1;
      if (f.kind === 'deprecated') deprecations += 1;
      const versions = f.versions.length > 0 ? ` [Cypher ${f.versions.join(',')}]` : '';
      console.log(`${shown(file)}:${f.line + 1}:${f.col + 1} ${f.kind} ${f.message}${versions}`);
    }
  }
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  console.log(
    `cypher lint: ${plural(files.length, 'file')}, ${plural(errors, 'error')}, ` +
      `${plural(deprecations, 'deprecation')}`,
  );
  return errors > 0 || deprecations > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
