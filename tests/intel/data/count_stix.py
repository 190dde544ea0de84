#!/usr/bin/env python3
"""Independent count behind the STIX expectations in feed_readers_test.cpp.

For every bundle under the given directory: the number of indicator objects, how many
(newest version per id, not revoked) have no comparison vigil can turn into an indicator,
and the number of distinct observables they yield. It uses regular expressions over the
pattern text, not a parser, so it shares no logic with vigil's: positive '=' or IN
comparisons on ipv4-addr/ipv6-addr/domain-name/url/email-addr values, file hashes,
domain-name:resolves_to_refs[*].value and email-message:from_ref.value.
"""
import glob
import json
import re
import sys

ATOM = re.compile(r"(ipv4-addr|ipv6-addr|domain-name|url|email-addr):value\s*=\s*'((?:[^'\\]|\\.)*)'")
HASH = re.compile(r"file:hashes\.'?(MD5|SHA-1|SHA-256|SHA-512|SHA1|SHA256)'?\s*=\s*'([^']*)'", re.I)
IN_LIST = re.compile(r"(ipv4-addr|ipv6-addr|domain-name|url|email-addr):value\s+IN\s*\(([^)]*)\)")
REF = re.compile(r"(domain-name:resolves_to_refs\[\*\]|email-message:from_ref)\.value\s*=\s*'([^']*)'")
KIND = {'ipv4-addr': 'ip', 'ipv6-addr': 'ip', 'domain-name': 'domain', 'url': 'url',
        'email-addr': 'email'}


def observables(pattern):
    found = [(KIND[m.group(1)], m.group(2)) for m in ATOM.finditer(pattern)]
    found += [('hash', m.group(2)) for m in HASH.finditer(pattern)]
    for m in IN_LIST.finditer(pattern):
        found += [(KIND[m.group(1)], v.strip().strip("'")) for v in m.group(2).split(',')]
    for m in REF.finditer(pattern):
        found.append(('email' if 'email' in m.group(1) else 'ip', m.group(2)))
    return {(k, v.lower()) for k, v in found}


root = sys.argv[1] if len(sys.argv) > 1 else '.'
for path in sorted(glob.glob(root + '/*/*.json') + glob.glob(root + '/*/*.stix2')):
    doc = json.load(open(path))
    indicators = [o for o in doc.get('objects', [doc]) if o.get('type') == 'indicator']
    newest = {}
    for o in indicators:
        if o['id'] not in newest or o.get('modified', '') > newest[o['id']].get('modified', ''):
            newest[o['id']] = o
    values, untranslatable = set(), 0
    for o in newest.values():
        if o.get('revoked'):
            continue
        found = observables(o.get('pattern', ''))
        untranslatable += not found
        values |= found
    name = path[len(root) + 1:]
    print(f'{{"{name}", {len(indicators)}, {untranslatable}, {len(values)}}},')
