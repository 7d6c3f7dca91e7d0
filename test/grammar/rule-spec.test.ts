import { describe, expect, it } from 'vitest';
import { parse, type BaseOption, type CommandLine } from '../../grammar/index.js';
import { errorAt, matches, optionSummary, parseRule, ruleErrors, ruleOf, targetOf } from './helpers.js';

function baseOptions(command: CommandLine): BaseOption[] {
  return (command.rule?.parts ?? []).filter((part): part is BaseOption => part.kind === 'base');
}

/** One command line inside `*filter … COMMIT`, any command. */
function commandOf(line: string): CommandLine {
  const result = parse(`*filter\n${line}\nCOMMIT\n`);
  expect(result.errors).toEqual([]);
  const command = result.statements[1];
  if (command?.kind !== 'command') throw new Error(`not parsed as a command: ${line}`);
  return command;
}

function commandErrors(line: string): string[] {
  const result = parse(`*filter\n${line}\nCOMMIT\n`);
  return result.errors.map(errorAt);
}

describe('commands (do_parse, iptables-format.md §3)', () => {
  it('-A CHAIN and the long form', () => {
    expect(commandOf('-A INPUT -j ACCEPT')).toMatchObject({ command: 'append', chain: { text: 'INPUT' } });
    expect(commandOf('--append INPUT -j ACCEPT')).toMatchObject({ command: 'append', commandWord: { raw: '--append' } });
    expect(commandOf('--append=INPUT -j ACCEPT')).toMatchObject({ command: 'append', chain: { text: 'INPUT' } });
    expect(commandOf('-AINPUT -j ACCEPT')).toMatchObject({ command: 'append', commandWord: { raw: '-A' }, chain: { raw: 'INPUT' } });
  });

  it('RULENUM after the chain unless the word starts with - or !', () => {
    expect(commandOf('-I INPUT 3 -j ACCEPT').ruleNumber?.text).toBe('3');
    expect(commandOf('-I INPUT -j ACCEPT').ruleNumber).toBeUndefined();
    expect(commandOf('-R INPUT 2 -j DROP')).toMatchObject({ command: 'replace', ruleNumber: { text: '2' } });
    expect(commandOf('-D INPUT 4')).toMatchObject({ command: 'delete', ruleNumber: { text: '4' } });
    expect(commandOf('-D INPUT -s 1.2.3.4 -j ACCEPT').ruleNumber).toBeUndefined();
    expect(commandOf('-Z INPUT 1')).toMatchObject({ command: 'zero', chain: { text: 'INPUT' }, ruleNumber: { text: '1' } });
    expect(commandOf('-I INPUT ! -s 1.2.3.4').ruleNumber).toBeUndefined();
  });

  it('chain commands and optional chains', () => {
    expect(commandOf('-N FOO')).toMatchObject({ command: 'new-chain', chain: { text: 'FOO' } });
    expect(commandOf('-N FOO').rule).toBeUndefined();
    expect(commandOf('-X').chain).toBeUndefined();
    expect(commandOf('-X FOO').chain?.text).toBe('FOO');
    expect(commandOf('-F')).toMatchObject({ command: 'flush' });
    expect(commandOf('--flush INPUT').chain?.text).toBe('INPUT');
    expect(commandOf('-P INPUT DROP')).toMatchObject({ command: 'policy', chain: { text: 'INPUT' }, argument: { text: 'DROP' } });
    expect(commandOf('-E OLD NEW')).toMatchObject({ command: 'rename-chain', chain: { text: 'OLD' }, argument: { text: 'NEW' } });
    expect(commandOf('-L')).toMatchObject({ command: 'list' });
    expect(commandOf('-S INPUT')).toMatchObject({ command: 'list-rules', chain: { text: 'INPUT' } });
    expect(commandOf('-C INPUT -j ACCEPT')).toMatchObject({ command: 'check' });
  });

  it('-P with -c (iptables -S -v) keeps the counters as the rule', () => {
    const command = commandOf('-P INPUT ACCEPT -c 10 200');
    expect(baseOptions(command).map((option) => [option.name, option.values.map((v) => v.text)])).toEqual([['set-counters', ['10', '200']]]);
  });

  it('missing or extra command arguments', () => {
    expect(commandErrors('-R INPUT -j DROP')).toEqual(['syntax/missing-argument@2:9']);
    expect(commandErrors('-P INPUT')).toEqual(['syntax/missing-argument@2:9']);
    expect(commandErrors('-E OLD')).toEqual(['syntax/missing-argument@2:7']);
    expect(commandErrors('-A')).toEqual(['syntax/missing-argument@2:3']);
    expect(commandErrors('-I INPUT 0 -j ACCEPT')).toEqual(['syntax/bad-rule-number@2:10']);
    expect(commandErrors('-N FOO extra')).toEqual(['syntax/unexpected-word@2:8']);
  });

  it('one command per line, and a command is required', () => {
    expect(commandErrors('-A INPUT -I INPUT')).toEqual(['syntax/multiple-commands@2:10']);
    const result = parse('*filter\n-s 1.2.3.4 -j ACCEPT\nCOMMIT\n');
    expect(result.errors.map(errorAt)).toEqual(['syntax/no-command@2:1']);
    expect(result.errors[0]?.message).toContain('-A CHAIN');
    expect(result.statements[1]?.kind).toBe('invalid');
  });

  it('options other than -c are rejected with chain commands', () => {
    expect(commandErrors('-N FOO -s 1.2.3.4')).toEqual(['syntax/option-not-allowed@2:8']);
  });

  it('-4 / -6 mark the line for one family', () => {
    expect(commandOf('-4 -A INPUT -j ACCEPT').familyOnly).toBe('ipv4');
    expect(commandOf('-A INPUT --ipv6 -j ACCEPT').familyOnly).toBe('ipv6');
  });

  it('-t, -w and listing options have no place in a ruleset file', () => {
    expect(commandErrors('-t nat -A INPUT -j ACCEPT')).toEqual(['syntax/table-option@2:1']);
    expect(commandErrors('-A INPUT -w -j ACCEPT')).toEqual(['syntax/unsupported-option@2:10']);
    expect(commandErrors('-A INPUT -v -j ACCEPT')).toEqual(['syntax/unsupported-option@2:10']);
  });
});

describe('base options', () => {
  it('short, long, synonym and = forms', () => {
    const command = ruleOf('--protocol=tcp --source=1.2.3.4 --dst 5.6.7.8/32 --in-interface=eth0 --out-interface eth1 --jump=ACCEPT');
    expect(baseOptions(command).map((option) => `${option.name}=${option.values[0]?.text ?? ''}`)).toEqual([
      'protocol=tcp',
      'source=1.2.3.4',
      'destination=5.6.7.8/32',
      'in-interface=eth0',
      'out-interface=eth1',
    ]);
    expect(targetOf(command)).toMatchObject({ via: 'jump', name: { text: 'ACCEPT' }, known: true });
  });

  it('attached short-option arguments', () => {
    const command = ruleOf('-ptcp -s1.2.3.4 -d5.6.7.8/32 -ieth0 -oeth1 -jACCEPT');
    expect(baseOptions(command).map((option) => [option.optionWord.raw, option.values[0]?.raw])).toEqual([
      ['-p', 'tcp'],
      ['-s', '1.2.3.4'],
      ['-d', '5.6.7.8/32'],
      ['-i', 'eth0'],
      ['-o', 'eth1'],
    ]);
    const source = baseOptions(command)[1];
    expect(source?.optionWord.span).toMatchObject({ line: 2, column: 16, endColumn: 18 });
    expect(source?.values[0]?.span).toMatchObject({ line: 2, column: 18, endColumn: 25 });
    expect(targetOf(command)?.name.text).toBe('ACCEPT');
  });

  it('unambiguous prefixes of long options', () => {
    const command = ruleOf('--proto tcp --dest 1.2.3.4 --in-i eth0 -j ACCEPT');
    expect(baseOptions(command).map((option) => option.name)).toEqual(['protocol', 'destination', 'in-interface']);
    expect(ruleOf('-f -j DROP').rule?.parts[0]).toMatchObject({ kind: 'base', name: 'fragment', values: [] });
    expect(ruleOf('--fragment -j DROP').rule?.parts[0]).toMatchObject({ kind: 'base', name: 'fragment' });
  });

  it('an ambiguous prefix is an error', () => {
    const errors = ruleErrors('--s 1.2.3.4 -j ACCEPT');
    expect(errors.map(errorAt)).toEqual(['syntax/ambiguous-option@2:10']);
    expect(errors[0]?.message).toContain('--source');
    expect(errors[0]?.message).toContain('--set-counters');
  });

  it('-c P B and -c P,B', () => {
    expect(baseOptions(ruleOf('-c 2 3 -j ACCEPT'))[0]?.values.map((v) => v.text)).toEqual(['2', '3']);
    expect(baseOptions(ruleOf('-c 2,3 -j ACCEPT'))[0]?.values.map((v) => v.text)).toEqual(['2,3']);
    expect(parseRule('-c 3, -j ACCEPT').errors.map(errorAt)).toEqual(['syntax/bad-counters@2:13']);
    expect(parseRule('-c 3 -j ACCEPT').errors.map(errorAt)).toEqual(['syntax/missing-argument@2:14']);
  });

  it('a repeated base option is reported but kept', () => {
    const result = parseRule('-s 1.2.3.4 -s 5.6.7.8 -j ACCEPT');
    expect(result.errors.map(errorAt)).toEqual(['syntax/duplicate-option@2:21']);
    expect(result.statements[1]?.kind).toBe('command');
  });

  it('one target per rule', () => {
    expect(parseRule('-j ACCEPT -g FOO').errors.map(errorAt)).toEqual(['syntax/multiple-targets@2:20']);
  });
});

describe('negation (iptables-format.md §5)', () => {
  it('prefix ! before base and extension options', () => {
    const command = ruleOf('! -s 1.2.3.0/24 ! -i eth0 ! -p tcp ! -f -m tcp ! --dport 22 -m conntrack ! --ctstate NEW');
    expect(baseOptions(command).map((option) => [option.name, option.negation])).toEqual([
      ['source', 'prefix'],
      ['in-interface', 'prefix'],
      ['protocol', 'prefix'],
      ['fragment', 'prefix'],
    ]);
    const source = baseOptions(command)[0];
    expect(source?.bangSpan).toMatchObject({ line: 2, column: 10, endColumn: 11 });
    expect(source?.span).toMatchObject({ column: 10, endColumn: 25 });
    expect(matches(command).map((match) => optionSummary(match.options))).toEqual([['!prefix:dport=22'], ['!prefix:ctstate=NEW']]);
  });

  it('old infix form: -s ! x, -p ! tcp, --dport ! 22', () => {
    const command = ruleOf('-s ! 1.2.3.4 -p ! tcp -m tcp --dport ! 22 -m conntrack --ctstate ! NEW');
    expect(baseOptions(command).map((option) => [option.name, option.negation, option.values[0]?.text])).toEqual([
      ['source', 'infix', '1.2.3.4'],
      ['protocol', 'infix', 'tcp'],
    ]);
    expect(baseOptions(command)[0]?.bangSpan).toMatchObject({ column: 13 });
    expect(matches(command).map((match) => optionSummary(match.options))).toEqual([['!infix:dport=22'], ['!infix:ctstate=NEW']]);
  });

  it('! between options of one match (statistic)', () => {
    const command = ruleOf('-m statistic --mode random ! --probability 0.5 -j DROP');
    expect(optionSummary(matches(command)[0]?.options ?? [])).toEqual(['mode=random', '!prefix:probability=0.5']);
  });

  it('! ! and a dangling ! are errors', () => {
    expect(ruleErrors('! ! -s 1.2.3.4').map(errorAt)).toEqual(['syntax/double-negation@2:12']);
    expect(ruleErrors('-s 1.2.3.4 !').map(errorAt)).toEqual(['syntax/dangling-negation@2:21']);
    expect(ruleErrors('-j ACCEPT !')[0]?.message).toContain('nothing follows');
  });

  it('! is not allowed before -m, -j, -g or a command', () => {
    expect(ruleErrors('! -m tcp --dport 22').map(errorAt)).toEqual(['syntax/negation-not-allowed@2:10']);
    expect(ruleErrors('! -j ACCEPT').map(errorAt)).toEqual(['syntax/negation-not-allowed@2:10']);
    expect(commandErrors('! -A INPUT')).toEqual(['syntax/negation-not-allowed@2:1']);
  });

  it('! on a non-invertible option is reported, the rule kept', () => {
    const result = parseRule('-m comment ! --comment x');
    expect(result.errors.map(errorAt)).toEqual(['syntax/negation-not-allowed@2:21']);
    expect(result.errors[0]?.message).toContain('match `comment`');
    expect(result.statements[1]?.kind).toBe('command');
  });

  it('a ! value of a non-invertible option is just a value (old `--comment !`)', () => {
    expect(optionSummary(matches(ruleOf('-m comment --comment ! -j ACCEPT'))[0]?.options ?? [])).toEqual(['comment=!']);
  });
});

describe('matches and targets', () => {
  it('groups options under the -m that introduces them, canonical names', () => {
    const command = ruleOf('-p tcp -m tcp --destination-port 22 --sport 1024:65535 -m comment --comment ssh -j ACCEPT');
    expect(matches(command).map((match) => [match.name.text, match.known, match.matchWord?.raw])).toEqual([
      ['tcp', true, '-m'],
      ['comment', true, '-m'],
    ]);
    expect(optionSummary(matches(command)[0]?.options ?? [])).toEqual(['dport=22', 'sport=1024:65535']);
    expect(matches(command)[0]?.options[0]?.optionWord.raw).toBe('--destination-port');
  });

  it('-p tcp loads the tcp match implicitly for --dport', () => {
    const command = ruleOf('-p tcp --dport 22 -j ACCEPT');
    const [implicit] = matches(command);
    expect(implicit).toMatchObject({ name: { text: 'tcp' }, known: true });
    expect(implicit?.matchWord).toBeUndefined();
    expect(implicit?.span).toMatchObject({ column: 17, endColumn: 27 });
    expect(optionSummary(implicit?.options ?? [])).toEqual(['dport=22']);
  });

  it('implicit protocol matches by number, upper case and ICMPv6 names', () => {
    expect(matches(ruleOf('-p 6 --dport 22'))[0]?.name.text).toBe('tcp');
    expect(matches(ruleOf('-p UDP --dport 53'))[0]?.name.text).toBe('udp');
    expect(matches(ruleOf('-p ipv6-icmp --icmpv6-type 1', { family: 'ipv6' }))[0]?.name.text).toBe('icmp6');
    expect(matches(ruleOf('-p icmp --icmp-type 8'))[0]?.name.text).toBe('icmp');
  });

  it('an option of a protocol without a match extension is unknown', () => {
    expect(ruleErrors('-p gre --dport 22').map(errorAt)).toEqual(['syntax/unknown-option@2:17']);
  });

  it('long-option prefixes see the loaded extensions, newest first', () => {
    expect(optionSummary(matches(ruleOf('-p tcp --dp 22'))[0]?.options ?? [])).toEqual(['dport=22']);
    expect(optionSummary(matches(ruleOf('-p tcp -m multiport --dp 80,443'))[0]?.options ?? [])).toEqual(['dports=80,443']);
    // An exact name wins over longer names it abbreviates (recent --set vs --set-counters).
    expect(optionSummary(matches(ruleOf('-m recent --set --name x'))[0]?.options ?? [])).toEqual(['set=', 'name=x']);
  });

  it('a second -m of the same module starts a new instance', () => {
    const command = ruleOf('-m mark --mark 1 -m mark ! --mark 2');
    expect(matches(command).map((match) => optionSummary(match.options))).toEqual([['mark=1'], ['!prefix:mark=2']]);
  });

  it('two-argument options', () => {
    expect(optionSummary(matches(ruleOf('-p tcp -m tcp ! --tcp-flags SYN,ACK SYN'))[0]?.options ?? [])).toEqual(['!prefix:tcp-flags=SYN,ACK SYN']);
    expect(optionSummary(matches(ruleOf('-m set --match-set myset src,dst -j DROP'))[0]?.options ?? [])).toEqual(['match-set=myset src,dst']);
    expect(parseRule('-p tcp -m tcp --tcp-flags SYN -j DROP').errors.map(errorAt)).toEqual(['syntax/missing-argument@2:39']);
  });

  it('rateest rate flags take an optional operand', () => {
    const command = ruleOf('-m rateest --rateest1 RE1 --rateest-pps1 5 --rateest-gt --rateest-bps --rateest-lt');
    expect(optionSummary(matches(command)[0]?.options ?? [])).toEqual(['rateest1=RE1', 'rateest-pps1=5', 'rateest-gt=', 'rateest-bps=', 'rateest-lt=']);
  });

  it('target options go to the target', () => {
    const target = targetOf(ruleOf('-p tcp -j DNAT --to-destination 10.0.0.1:80 --random', { table: 'nat', chain: 'PREROUTING' }));
    expect(target).toMatchObject({ via: 'jump', name: { text: 'DNAT' }, known: true });
    expect(optionSummary(target?.options ?? [])).toEqual(['to-destination=10.0.0.1:80', 'random=']);
  });

  it('goto names a chain', () => {
    expect(targetOf(ruleOf('-g MYCHAIN'))).toMatchObject({ via: 'goto', name: { text: 'MYCHAIN' }, known: false, options: [] });
  });

  it('[unsupported revision] after a module name is accepted', () => {
    const command = ruleOf('-m conntrack [unsupported revision] -j LOG [unsupported revision]');
    expect(matches(command)[0]).toMatchObject({ name: { text: 'conntrack' }, unsupportedRevision: true, options: [] });
    expect(targetOf(command)).toMatchObject({ name: { text: 'LOG' }, unsupportedRevision: true });
  });
});

describe('unknown modules and options', () => {
  it('an unknown match is kept opaque, options split generically', () => {
    const command = ruleOf('-m foo --bar 1 2 --baz ! --qux x -m foo --bar ! 3 -j ACCEPT');
    expect(matches(command).map((match) => [match.name.text, match.known, optionSummary(match.options)])).toEqual([
      ['foo', false, ['bar=1 2', 'baz=', '!prefix:qux=x']],
      ['foo', false, ['!infix:bar=3']],
    ]);
  });

  it('an unknown target (or user chain) is kept opaque with its options', () => {
    const target = targetOf(ruleOf('-j FOOBAR --level 3 --flag'));
    expect(target).toMatchObject({ name: { text: 'FOOBAR' }, known: false });
    expect(optionSummary(target?.options ?? [])).toEqual(['level=3', 'flag=']);
  });

  it('an unknown option of a known extension names the extension and close options', () => {
    const errors = ruleErrors('-p tcp -m tcp --dprt 22 -j ACCEPT');
    expect(errors.map(errorAt)).toEqual(['syntax/unknown-option@2:24']);
    expect(errors[0]?.message).toContain('match `tcp`');
    expect(errors[0]?.message).toContain('--dport');
    expect(errors[0]?.expected).toContain('--dport');
  });

  it('an extension option before its -m says which module has it', () => {
    const errors = ruleErrors('--ctstate NEW -m conntrack');
    expect(errors[0]?.message).toContain('-m conntrack');
    expect(errors[0]?.message).toContain('no match or target is loaded');
  });

  it('a bare word is Bad argument', () => {
    const errors = ruleErrors('-s 1.2.3.4 foo -j ACCEPT');
    expect(errors.map(errorAt)).toEqual(['syntax/unexpected-word@2:21']);
    expect(errors[0]?.message).toContain('Bad argument `foo`');
  });

  it('a flag given a value with = is an error', () => {
    expect(ruleErrors('-p tcp -m tcp --syn=1').map(errorAt)).toEqual(['syntax/unexpected-argument@2:30']);
  });
});

describe('line details', () => {
  it('records a trailing blank (iptables ≤ 1.4.10, nft ≤ 1.8.7)', () => {
    expect(parse('*filter\n-A INPUT -p tcp \nCOMMIT\n').statements[1]).toMatchObject({ kind: 'command', trailingBlank: true });
    expect(ruleOf('-p tcp').trailingBlank).toBe(false);
  });

  it('[p:b] counters in column 1, with or without a blank after ]', () => {
    expect(commandOf('[12:345] -A INPUT -j ACCEPT').counters).toMatchObject({ packets: '12', bytes: '345', span: { column: 1, endColumn: 9 } });
    expect(commandOf('[1:2]-A INPUT -j ACCEPT')).toMatchObject({ counters: { packets: '1', bytes: '2' }, chain: { text: 'INPUT' } });
  });

  it('spans: rule, match and target', () => {
    const command = ruleOf('-m comment --comment x -j ACCEPT');
    expect(command.span).toMatchObject({ line: 2, column: 1, endColumn: 42 });
    expect(command.rule?.span).toMatchObject({ column: 10, endColumn: 42 });
    expect(matches(command)[0]?.span).toMatchObject({ column: 10, endColumn: 32 });
    expect(targetOf(command)?.span).toMatchObject({ column: 33, endColumn: 42 });
  });
});
