import { describe, expect, it } from 'vitest';
import { caseNumberOf, documentTokens, normalise, phoneKey, queryTokens, QUERY_MAX_TOKENS } from './tokens.js';

// The tokeniser on real text in Haven's five languages, and on the indicators a helpline sees:
// what a document gives the index, what a query asks for, and that both meet.

/** True when every token of `query` is among the tokens of `doc` (the AND a search makes). */
const finds = (doc: string, query: string) => {
  const have = new Set(documentTokens(doc));
  const want = queryTokens(query);
  return want.length > 0 && want.every((t) => have.has(t));
};

describe('normalise', () => {
  it('folds case, compatibility forms and accents', () => {
    expect(normalise('ÉDUCATION Ｆｕｌｌ')).toBe('education full');
    expect(normalise('Niño, garçon, Straße')).toBe('nino, garcon, straße');
  });

  it('reads Russian ё as е but keeps й a letter of its own', () => {
    expect(normalise('Ёлка')).toBe('елка');
    expect(normalise('Мой')).toBe('мой');
    expect(normalise('мой')).not.toBe(normalise('мои'));
  });

  it('strips Arabic harakat and tatweel, and folds alef, yaa and taa marbuta forms', () => {
    // "مُدَوِّنة" (a blogger, with harakat) and "مدونه" are one word.
    expect(normalise('مُدَوِّنة')).toBe('مدونه');
    expect(normalise('صحفـــي')).toBe('صحفي');
    expect(normalise('أمن')).toBe('امن');
    expect(normalise('إختراق')).toBe('اختراق');
    expect(normalise('آمن')).toBe('امن');
    expect(normalise('على')).toBe('علي');
    expect(normalise('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
  });
});

describe('words in five languages', () => {
  it('English', () => {
    const doc = 'Someone is logging into my email account from abroad; my phone was seized.';
    expect(finds(doc, 'LOGGING abroad')).toBe(true);
    expect(finds(doc, 'seized phone')).toBe(true);
    expect(finds(doc, 'laptop')).toBe(false);
  });

  it('Spanish, with or without accents', () => {
    const doc = 'Mi cuenta de correo fue hackeada después de recibir un mensaje de phishing. Soy periodista en Ciudad de México.';
    expect(finds(doc, 'despues periodista')).toBe(true);
    expect(finds(doc, 'Después')).toBe(true);
    expect(finds(doc, 'MEXICO')).toBe(true);
    expect(finds(doc, 'abogada')).toBe(false);
  });

  it('French, with elisions', () => {
    const doc = "Quelqu'un a pris le contrôle de l’ordinateur de notre association. Nous sommes défenseures des droits.";
    expect(finds(doc, 'controle ordinateur')).toBe(true);
    expect(finds(doc, "l'ordinateur")).toBe(true);
    expect(finds(doc, 'défenseures')).toBe(true);
    expect(finds(doc, 'téléphone')).toBe(false);
  });

  it('Russian, in any case of letters', () => {
    const doc = 'Мой телефон изъяли на границе, в Telegram кто-то читает мои сообщения. Я журналистка.';
    expect(finds(doc, 'телефон журналистка')).toBe(true);
    expect(finds(doc, 'ТЕЛЕГРАМ')).toBe(false);
    expect(finds(doc, 'telegram')).toBe(true);
    expect(finds(doc, 'СООБЩЕНИЯ')).toBe(true);
    expect(finds(doc, 'паспорт')).toBe(false);
  });

  it('Arabic, with and without diacritics and hamza forms', () => {
    const doc = 'تمّ اختراق حسابي على فيسبوك، وأنا صحفيّة أعمل في بيروت. وصلتني رسالة تصيّد.';
    expect(finds(doc, 'اختراق')).toBe(true);
    expect(finds(doc, 'إختراق')).toBe(true);
    expect(finds(doc, 'صحفية')).toBe(true);
    expect(finds(doc, 'صحفيه')).toBe(true);
    expect(finds(doc, 'بيروت رسالة')).toBe(true);
    expect(finds(doc, 'دمشق')).toBe(false);
  });

  it('leaves out single letters and cuts very long words', () => {
    expect(documentTokens('a b c')).toEqual([]);
    const long = 'x'.repeat(500);
    expect(documentTokens(long)).toEqual([`w:${'x'.repeat(64)}`]);
  });
});

describe('indicators', () => {
  it('takes a URL whole, with its host and parent domains', () => {
    const t = documentTokens('Click https://login.evil-example.com/reset?x=1, then.');
    expect(t).toContain('url:https://login.evil-example.com/reset?x=1');
    expect(t).toContain('dom:login.evil-example.com');
    expect(t).toContain('dom:evil-example.com');
    expect(finds('Click https://login.evil-example.com/reset?x=1', 'evil-example.com')).toBe(true);
  });

  it('takes an email whole, with its domain', () => {
    const t = documentTokens('Write to Ana.Perez+help@Mail.Example.org.');
    expect(t).toContain('email:ana.perez+help@mail.example.org');
    expect(t).toContain('dom:example.org');
    expect(finds('from: ana.perez+help@mail.example.org', 'ANA.PEREZ+HELP@mail.example.org')).toBe(true);
  });

  it('meets a phone number however it was written', () => {
    expect(phoneKey('+7 (912) 345-67-89')).toBe('123456789');
    expect(phoneKey('+7 (912) 345-67-89')).toBe(phoneKey('8 912 345 67 89'));
    expect(phoneKey('123')).toBeNull();
    expect(finds('Мой номер 89123456789', '+7 912 345-67-89')).toBe(true);
    expect(finds('signal: +52 55 1234 5678', '55 1234 5678')).toBe(true);
    expect(finds('signal: +52 55 1234 5678', '55 1234 0000')).toBe(false);
  });

  it('takes hashes, IPv4 and IPv6 addresses whole', () => {
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const t = documentTokens(`File ${md5.toUpperCase()} and ${sha256} from 203.0.113.7 and 2001:db8::1.`);
    expect(t).toContain(`hash:${md5}`);
    expect(t).toContain(`hash:${sha256}`);
    expect(t).toContain('ip:203.0.113.7');
    expect(t).toContain('ip:2001:db8::1');
    expect(documentTokens('version 999.1.1.1')).not.toContain('ip:999.1.1.1');
  });

  it('asks a query for the indicator, not for the words inside it', () => {
    expect(queryTokens('evil.example.com')).toEqual(['dom:evil.example.com']);
    expect(queryTokens('ana@example.org phishing')).toEqual(['email:ana@example.org', 'w:phishing']);
    expect(queryTokens('+7 912 345-67-89')).toEqual(['tel:123456789']);
  });

  it('caps nothing itself: the schema refuses more than QUERY_MAX_TOKENS', () => {
    const many = Array.from({ length: QUERY_MAX_TOKENS + 1 }, (_, i) => `word${i}`).join(' ');
    expect(queryTokens(many)).toHaveLength(QUERY_MAX_TOKENS + 1);
  });
});

describe('case numbers', () => {
  it('reads a case number alone, in any of the ways people write one', () => {
    expect(caseNumberOf('123')).toBe(123);
    expect(caseNumberOf(' #123 ')).toBe(123);
    expect(caseNumberOf('№ 123')).toBe(123);
    expect(caseNumberOf('Case 123')).toBe(123);
    expect(caseNumberOf('caso 123')).toBe(123);
    expect(caseNumberOf('дело 123')).toBe(123);
    expect(caseNumberOf('حالة ١٢٣')).toBe(123);
  });

  it('is not fooled by words with a number', () => {
    expect(caseNumberOf('signal 123')).toBeNull();
    expect(caseNumberOf('123 456')).toBeNull();
    expect(caseNumberOf('0')).toBeNull();
    expect(caseNumberOf('99999999999')).toBeNull();
  });
});
