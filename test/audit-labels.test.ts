// Every audit action written anywhere in src/ has a name in the console, in every language: the calls of audit()
// are found with the TypeScript compiler and each action read from the type of its argument (a literal, a
// conditional of literals, or `noun.${verb}` with a union of verbs); an action whose values cannot be told fails too.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { actionKeys } from '../web/src/pages/audit/labels.ts';
import { en } from '../web/src/i18n/en.ts';
import { zhCN } from '../web/src/i18n/zh-CN.ts';
import { ru } from '../web/src/i18n/ru.ts';

const auditModule = path.resolve('src/store/repos/audit.ts');

/** The string values a type stands for, or null when it is not made of string literals. */
function literals(type: ts.Type): string[] | null {
  const parts = type.isUnion() ? type.types : [type];
  return parts.every((p) => p.isStringLiteral()) ? parts.map((p) => (p as ts.StringLiteralType).value) : null;
}

/** The actions each audit() call in src/ may write, by place; and the places whose actions cannot be told. */
function writtenActions(): { actions: Map<string, string>; unknown: string[] } {
  const files = (readdirSync('src', { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => path.resolve('src', f));
  const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } })!;
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const actions = new Map<string, string>();
  const unknown: string[] = [];
  for (const sf of program.getSourceFiles()) {
    if (!sf.fileName.startsWith(path.resolve('src'))) continue;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.arguments.length >= 4) {
        const target = checker.getSymbolAtLocation(n.expression);
        const decl = target && (target.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(target) : target).declarations?.[0];
        if (decl && path.resolve(decl.getSourceFile().fileName) === auditModule) {
          const arg = n.arguments[3];
          const where = `${path.relative(process.cwd(), sf.fileName)}:${sf.getLineAndCharacterOfPosition(arg.getStart(sf)).line + 1}`;
          let values: string[] | null;
          if (ts.isTemplateExpression(arg) && arg.templateSpans.length === 1 && arg.templateSpans[0].literal.text === '') {
            const verbs = literals(checker.getTypeAtLocation(arg.templateSpans[0].expression));
            values = verbs && verbs.map((v) => arg.head.text + v);
          } else values = literals(checker.getTypeAtLocation(arg));
          if (!values) unknown.push(`${where}: ${arg.getText(sf)} (give it a type of string literals)`);
          for (const v of values ?? []) actions.set(v, where);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { actions, unknown };
}

describe('audit action labels', () => {
  it('names every action written in src/ in zh-CN, en and ru', () => {
    const { actions, unknown } = writtenActions();
    expect(unknown).toEqual([]);
    // the scan sees the loyalty actions and the dynamic ones, so it cannot pass by finding nothing
    for (const a of ['lottery.draw', 'gift.create', 'redemption.fulfilled', 'points.credit', 'code_batch.generate', 'campaign.pause', 'user.disable']) expect(actions.has(a), a).toBe(true);
    const dictionaries = { 'zh-CN': zhCN, en, ru } as Record<string, Record<string, string>>;
    const missing: string[] = [];
    for (const [action, where] of actions) {
      const keys = actionKeys(action);
      if (!keys) {
        missing.push(`${action} (${where}): no name and no noun+verb in web/src/pages/audit/labels.ts`);
        continue;
      }
      for (const key of 'own' in keys ? [keys.own] : [keys.noun, keys.verb]) {
        for (const [lang, d] of Object.entries(dictionaries)) if (!d[key]?.trim()) missing.push(`${action}: ${key} has no ${lang} text`);
      }
    }
    expect(missing).toEqual([]);
  }, 120_000);
});
