import { describe, expect, it } from '@jest/globals';
import { isCardNumber, plausibleIssuer } from './card.js';
import { ibanChecksumValid, isIban } from './iban.js';
import { luhnValid } from './luhn.js';
import { isValidNino, isValidSsn } from './national-id.js';

describe('luhnValid', () => {
  it.each(['4111111111111111', '378282246310005', '6011111111111117', '79927398713', '0'.repeat(2)])('accepts %s', (n) => expect(luhnValid(n)).toBe(true));
  it.each(['4111111111111112', '79927398710', '1', '', '41111111111111a1'])('refuses %s', (n) => expect(luhnValid(n)).toBe(false));
});

describe('card numbers', () => {
  it('needs a plausible issuer and length as well as Luhn', () => {
    expect(isCardNumber('4111111111111111')).toBe(true);
    expect(luhnValid('1234567812345670')).toBe(true);
    expect(isCardNumber('1234567812345670')).toBe(false); // no network issues 12…
    expect(plausibleIssuer('378282246310005')).toBe(true);
    expect(plausibleIssuer('3782822463100050')).toBe(false); // Amex is 15 digits
    expect(isCardNumber('4444444444444448')).toBe(true);
    expect(isCardNumber('0000000000000000')).toBe(false);
  });
});

describe('IBAN', () => {
  it.each(['GB82WEST12345698765432', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'NO9386011117947'])('accepts %s', (iban) =>
    expect(isIban(iban)).toBe(true),
  );
  it('checks mod 97 and the length of the country', () => {
    expect(ibanChecksumValid('GB82WEST12345698765431')).toBe(false);
    expect(isIban('GB82WEST1234569876543')).toBe(false);
    expect(isIban('ZZ82WEST12345698765432')).toBe(false);
    expect(isIban('gb82west12345698765432')).toBe(false);
  });
});

describe('national ids', () => {
  it('excludes the SSN ranges the SSA never issues', () => {
    expect(isValidSsn('536', '22', '8726')).toBe(true);
    for (const [a, g, s] of [
      ['000', '22', '8726'],
      ['666', '22', '8726'],
      ['900', '22', '8726'],
      ['999', '22', '8726'],
      ['536', '00', '8726'],
      ['536', '22', '0000'],
      ['078', '05', '1120'],
      ['219', '09', '9999'],
    ]) {
      expect(isValidSsn(a, g, s)).toBe(false);
    }
  });

  it('applies the NINO prefix and suffix rules', () => {
    expect(isValidNino('AB123456C')).toBe(true);
    expect(isValidNino('JG103756A')).toBe(true);
    for (const bad of ['DA123456C', 'AD123456C', 'AO123456C', 'GB123456C', 'NK123456C', 'AB123456E', 'AB12345C', 'ab123456c']) expect(isValidNino(bad)).toBe(false);
  });
});
