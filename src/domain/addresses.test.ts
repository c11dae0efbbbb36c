import { describe, expect, it } from 'vitest';
import { nonPublicHost, nonPublicKind } from './addresses.ts';

describe('non-public addresses', () => {
  it('names the range of loopback, private, link-local, mapped and reserved addresses', () => {
    expect(nonPublicKind('127.0.0.1')).toBe('loopback');
    expect(nonPublicKind('10.255.0.1')).toBe('private');
    expect(nonPublicKind('172.31.255.255')).toBe('private');
    expect(nonPublicKind('192.168.0.1')).toBe('private');
    expect(nonPublicKind('169.254.169.254')).toBe('link-local');
    expect(nonPublicKind('100.64.0.1')).toBe('shared (carrier-grade NAT)');
    expect(nonPublicKind('0.0.0.0')).toBe('"this network"');
    expect(nonPublicKind('::1')).toBe('loopback');
    expect(nonPublicKind('::ffff:127.0.0.1')).toBe('IPv4-mapped');
    expect(nonPublicKind('fd12:3456::1')).toBe('unique local');
    expect(nonPublicKind('fe80::1')).toBe('link-local');
    expect(nonPublicKind('ff02::1')).toBe('multicast');
  });

  it('lets public addresses and names through', () => {
    expect(nonPublicKind('8.8.8.8')).toBeNull();
    expect(nonPublicKind('172.32.0.1')).toBeNull();
    expect(nonPublicKind('2001:4860:4860::8888')).toBeNull();
    expect(nonPublicKind('crm.example.com')).toBeNull();
    expect(nonPublicHost('crm.example.com')).toBeNull();
  });

  it('judges URL hosts: bracketed IPv6 and localhost names', () => {
    expect(nonPublicHost('[::1]')).toBe('::1 is a loopback address');
    expect(nonPublicHost('LOCALHOST')).toBe('LOCALHOST is a loopback name');
    expect(nonPublicHost('api.localhost')).toBe('api.localhost is a loopback name');
    expect(nonPublicHost('10.0.0.7')).toBe('10.0.0.7 is a private address');
  });
});
