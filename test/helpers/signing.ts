// Signature test helpers: fixed seeds, a fixed "now", and a manifest as jmix-rs writes it.

export const seed = (n: number) => new Uint8Array(32).fill(n);
export const NOW = new Date('2026-01-01T00:00:00Z');

export function rsManifest(): Record<string, unknown> {
  return {
    version: '1.0',
    id: '0b7e3f4a-1111-4222-8333-944455556666',
    timestamp: '2025-10-18T00:00:00Z',
    sender: { name: 'Radiology Sender', id: 'org:sender', contact: { system: 'email', value: 's@example.org' } },
    requester: { name: 'Dr Req', id: 'org:req', contact: 'r@example.org' },
    receiver: [{ name: 'Clinic', id: 'org:clinic', contact: 'c@example.org' }],
    security: { classification: 'confidential', payload_hash: 'sha256:placeholder' },
  };
}
