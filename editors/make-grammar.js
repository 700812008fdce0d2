#!/usr/bin/env node
/**
 * Writes editors/vscode-mufiz/syntaxes/mufi.tmLanguage.json from the rules below and the word
 * lists in editors/mufi-words.json (which the playground's highlighter reads too). Run it after
 * changing either; tests/editors.test.ts fails while the grammar is out of date.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const words = require('./mufi-words.json');
const alt = (list) => list.slice().sort((a, b) => b.length - a.length || a.localeCompare(b)).join('|');
const DECLARATIONS = ['var', 'let', 'const', 'fun', 'class'];
const LOGICAL = ['and', 'or'];
const control = words.keywords.filter((w) => !DECLARATIONS.includes(w) && !LOGICAL.includes(w) && w !== 'print');

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'MufiZ',
  scopeName: 'source.mufi',
  fileTypes: ['mufi'],
  patterns: [{ include: '#code' }],
  repository: {
    code: {
      patterns: [
        { include: '#comments' }, { include: '#strings' }, { include: '#numbers' }, { include: '#words' },
        { include: '#operators' }, { include: '#braces' },
      ],
    },
    comments: {
      patterns: [
        { name: 'comment.line.double-slash.mufi', match: '//.*$' },
        { include: '#block-comment' },
      ],
    },
    'block-comment': {
      name: 'comment.block.mufi',
      begin: '/#', end: '#/',
      patterns: [{ include: '#block-comment' }],
    },
    strings: {
      patterns: [
        {
          name: 'string.quoted.double.format.mufi',
          begin: '(?<![A-Za-z0-9_])f"', end: '"',
          patterns: [
            { include: '#escapes' },
            { match: '\\{\\{|\\}\\}' },
            {
              name: 'meta.interpolation.mufi',
              begin: '\\{', end: '\\}',
              beginCaptures: { 0: { name: 'punctuation.section.interpolation.begin.mufi' } },
              endCaptures: { 0: { name: 'punctuation.section.interpolation.end.mufi' } },
              patterns: [{ include: '#code' }],
            },
          ],
        },
        { name: 'string.quoted.double.mufi', begin: '"', end: '"', patterns: [{ include: '#escapes' }] },
        { name: 'string.quoted.other.raw.mufi', begin: '`', end: '`' },
      ],
    },
    escapes: { name: 'constant.character.escape.mufi', match: '\\\\(?:u\\{[0-9A-Fa-f]*\\}?|.)' },
    numbers: {
      patterns: [
        { name: 'constant.numeric.imaginary.mufi', match: '(?<![A-Za-z0-9_])\\d+(?:\\.\\d+)?i(?![A-Za-z0-9_])' },
        { name: 'constant.numeric.float.mufi', match: '(?<![A-Za-z0-9_])\\d+\\.\\d+' },
        { name: 'constant.numeric.integer.mufi', match: '(?<![A-Za-z0-9_])\\d+' },
      ],
    },
    words: {
      patterns: [
        { name: 'storage.type.mufi', match: `\\b(?:${alt(DECLARATIONS)})\\b` },
        { name: 'keyword.control.mufi', match: `\\b(?:${alt(control)})\\b` },
        { name: 'keyword.other.print.mufi', match: '\\bprint\\b' },
        { name: 'keyword.other.logical.mufi', match: `\\b(?:${alt(LOGICAL)})\\b` },
        { name: 'constant.language.mufi', match: `\\b(?:${alt(words.atoms)})\\b` },
        { name: 'variable.language.mufi', match: `\\b(?:${alt(words.self)})\\b` },
        { name: 'support.function.builtin.mufi', match: `\\b(?:${alt(words.natives)})\\b(?=\\s*\\()` },
        { match: '[A-Za-z_][A-Za-z0-9_]*' },
      ],
    },
    operators: { name: 'keyword.operator.mufi', match: '\\.\\.=?|\\+\\+|--|=>|[-+*/%^!=<>]=?' },
    // Braces inside an f-string's {expression} nest; outside one they are plain punctuation.
    braces: { begin: '\\{', end: '\\}', patterns: [{ include: '#code' }] },
  },
};

const out = path.join(__dirname, 'vscode-mufiz', 'syntaxes', 'mufi.tmLanguage.json');
const text = JSON.stringify(grammar, null, 2) + '\n';
if (process.argv.includes('--check')) {
  const ok = fs.existsSync(out) && fs.readFileSync(out, 'utf8') === text;
  if (!ok) { console.error(`${path.relative(process.cwd(), out)} is out of date: run node editors/make-grammar.js`); process.exit(1); }
} else {
  fs.writeFileSync(out, text);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}
