// Patient identifiers people recognise. One rule for the model (src/jmix) and the page (src/ui).
const IHI_SYSTEMS = ['http://ns.electronichealth.net.au/id/hi/ihi/1.0', '1.2.36.1.2001.1003.0'];

/**
 * An Australian Individual Healthcare Identifier: by its system (URI, OID, or "ihi" in it), or by its
 * number (16 digits from 800360, spaces allowed).
 */
export function isAustralianIhi(system: string | null, value: string): boolean {
  const sys = (system ?? '').toLowerCase();
  return IHI_SYSTEMS.some((s) => sys.includes(s)) || sys.includes('ihi') || /^800360\d{10}$/.test(value.replace(/\s/g, ''));
}
