import type { Kysely } from 'kysely';

// The triage taxonomies as they were first seeded. Labels are per locale; countries and
// languages carry none because their names come from the Unicode CLDR data built into Node
// (Intl.DisplayNames) in every locale. Frozen with the migration that imports it.

type Labels = Record<string, string>;
interface Term {
  kind: string;
  code: string;
  parent?: string;
  rsit?: string;
  labels: Labels;
}

const L = (en: string, es: string, fr: string, ar: string, ru: string): Labels => ({ en, es, fr, ar, ru });

// Helpline incident types, built on the Digital First Aid Kit topics, each mapped to the
// Reference Security Incident Taxonomy (class/type) that CERTs understand.
const incidentTypes: Term[] = [
  { kind: 'incident_type', code: 'device_lost', rsit: 'information-content-security/unauthorised-information-access', labels: L('Lost, stolen or seized device', 'Dispositivo perdido, robado o incautado', 'Appareil perdu, volé ou saisi', 'جهاز مفقود أو مسروق أو مُصادَر', 'Потерянное, украденное или изъятое устройство') },
  { kind: 'incident_type', code: 'account_access', rsit: 'intrusions/unprivileged-account-compromise', labels: L('Lost account access', 'Pérdida de acceso a una cuenta', 'Accès à un compte perdu', 'فقدان الوصول إلى حساب', 'Потерян доступ к аккаунту') },
  { kind: 'incident_type', code: 'device_suspicious', rsit: 'malicious-code/infected-system', labels: L('Device acting suspiciously (malware, spyware)', 'Dispositivo con comportamiento sospechoso (malware, spyware)', 'Appareil au comportement suspect (logiciel malveillant, espion)', 'جهاز يتصرف بشكل مريب (برمجيات خبيثة أو تجسس)', 'Устройство ведёт себя подозрительно (вредоносное или шпионское ПО)') },
  { kind: 'incident_type', code: 'suspicious_message', rsit: 'fraud/phishing', labels: L('Suspicious messages (phishing)', 'Mensajes sospechosos (phishing)', 'Messages suspects (hameçonnage)', 'رسائل مريبة (تصيّد احتيالي)', 'Подозрительные сообщения (фишинг)') },
  { kind: 'incident_type', code: 'website_down', rsit: 'availability/ddos', labels: L('Website down or under attack', 'Sitio web caído o bajo ataque', 'Site web inaccessible ou attaqué', 'موقع إلكتروني معطل أو تحت الهجوم', 'Сайт недоступен или атакован') },
  { kind: 'incident_type', code: 'impersonation', rsit: 'fraud/masquerade', labels: L('Impersonation', 'Suplantación de identidad', "Usurpation d'identité", 'انتحال الهوية', 'Выдача себя за другого') },
  { kind: 'incident_type', code: 'harassment', rsit: 'abusive-content/harmful-speech', labels: L('Online harassment', 'Acoso en línea', 'Harcèlement en ligne', 'التحرش عبر الإنترنت', 'Онлайн-преследование') },
  { kind: 'incident_type', code: 'data_lost', rsit: 'information-content-security/data-loss', labels: L('Lost data', 'Pérdida de datos', 'Données perdues', 'فقدان البيانات', 'Потеря данных') },
  { kind: 'incident_type', code: 'surveillance', rsit: 'information-gathering/sniffing', labels: L('Surveillance', 'Vigilancia', 'Surveillance', 'المراقبة', 'Слежка') },
  { kind: 'incident_type', code: 'doxing', rsit: 'information-content-security/data-leak', labels: L('Doxing', 'Doxing (exposición de datos personales)', 'Divulgation de données personnelles (doxing)', 'كشف المعلومات الشخصية (doxing)', 'Доксинг') },
  { kind: 'incident_type', code: 'ncii', rsit: 'abusive-content/harmful-speech', labels: L('Non-consensual intimate images', 'Imágenes íntimas sin consentimiento', 'Images intimes non consenties', 'صور حميمة دون موافقة', 'Интимные изображения без согласия') },
  { kind: 'incident_type', code: 'connectivity', rsit: 'availability/outage', labels: L('Internet blocked or censored', 'Internet bloqueado o censurado', 'Internet bloqué ou censuré', 'حجب الإنترنت أو الرقابة عليه', 'Блокировка или цензура интернета') },
  { kind: 'incident_type', code: 'security_review', rsit: 'vulnerable/vulnerable-system', labels: L('Security assessment (preventive)', 'Evaluación de seguridad (preventiva)', 'Évaluation de sécurité (préventive)', 'تقييم أمني (وقائي)', 'Оценка безопасности (профилактика)') },
  { kind: 'incident_type', code: 'other', rsit: 'other/undetermined', labels: L('Other', 'Otro', 'Autre', 'أخرى', 'Другое') },
];

const urgency: Term[] = [
  { kind: 'urgency', code: 'reactive', labels: L('Happening now (reactive)', 'Está ocurriendo ahora (reactivo)', 'En cours (réactif)', 'يحدث الآن (استجابة)', 'Происходит сейчас (реагирование)') },
  { kind: 'urgency', code: 'preventive', labels: L('Preventive', 'Preventivo', 'Préventif', 'وقائي', 'Профилактика') },
];

const severity: Term[] = [
  { kind: 'severity', code: 'low', labels: L('Low', 'Baja', 'Faible', 'منخفضة', 'Низкая') },
  { kind: 'severity', code: 'medium', labels: L('Medium', 'Media', 'Moyenne', 'متوسطة', 'Средняя') },
  { kind: 'severity', code: 'high', labels: L('High', 'Alta', 'Élevée', 'عالية', 'Высокая') },
  { kind: 'severity', code: 'critical', labels: L('Critical (life or liberty at risk)', 'Crítica (vida o libertad en riesgo)', 'Critique (vie ou liberté en danger)', 'حرجة (الحياة أو الحرية في خطر)', 'Критическая (угроза жизни или свободе)') },
];

const beneficiary: Term[] = [
  { kind: 'beneficiary', code: 'activist', labels: L('Activist', 'Activista', 'Militant·e', 'ناشط/ة', 'Активист(ка)') },
  { kind: 'beneficiary', code: 'hrd', labels: L('Human rights defender', 'Defensor/a de derechos humanos', 'Défenseur·e des droits humains', 'مدافع/ة عن حقوق الإنسان', 'Правозащитник(ца)') },
  { kind: 'beneficiary', code: 'journalist', labels: L('Journalist or media worker', 'Periodista o trabajador/a de medios', 'Journaliste ou professionnel·le des médias', 'صحفي/ة أو عامل/ة في الإعلام', 'Журналист(ка) или работник СМИ') },
  { kind: 'beneficiary', code: 'marginalised', labels: L('Member of a marginalised community', 'Persona de una comunidad marginada', "Membre d'une communauté marginalisée", 'فرد من مجتمع مهمّش', 'Представитель(ница) маргинализированного сообщества') },
  { kind: 'beneficiary', code: 'organisation', labels: L('Civil society organisation', 'Organización de la sociedad civil', 'Organisation de la société civile', 'منظمة مجتمع مدني', 'Организация гражданского общества') },
  { kind: 'beneficiary', code: 'other', labels: L('Other', 'Otro', 'Autre', 'أخرى', 'Другое') },
];

const mandate: Term[] = [
  { kind: 'mandate', code: 'pending', labels: L('Not yet vetted', 'Sin verificar', 'Pas encore vérifié', 'لم يتم التحقق بعد', 'Ещё не проверено') },
  { kind: 'mandate', code: 'in_mandate', labels: L('In mandate', 'Dentro del mandato', 'Dans le mandat', 'ضمن الولاية', 'В рамках мандата') },
  { kind: 'mandate', code: 'out_of_mandate', labels: L('Out of mandate', 'Fuera del mandato', 'Hors mandat', 'خارج الولاية', 'Вне мандата') },
];

const regions: Record<string, { labels: Labels; countries: string }> = {
  africa: {
    labels: L('Sub-Saharan Africa', 'África subsahariana', 'Afrique subsaharienne', 'أفريقيا جنوب الصحراء', 'Африка к югу от Сахары'),
    countries: 'AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ GQ ER SZ ET GA GM GH GN GW KE LS LR MG MW ML MR MU YT MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG UG ZM ZW',
  },
  americas: {
    labels: L('Americas', 'Américas', 'Amériques', 'الأمريكتان', 'Америка'),
    countries: 'AI AG AR AW BS BB BZ BM BO BQ BR VG CA KY CL CO CR CU CW DM DO EC SV FK GF GL GD GP GT GY HT HN JM MQ MX MS NI PA PY PE PR BL KN LC MF PM VC SX SR TT TC US UY VE VI',
  },
  asia_pacific: {
    labels: L('Asia and the Pacific', 'Asia y el Pacífico', 'Asie et Pacifique', 'آسيا والمحيط الهادئ', 'Азиатско-Тихоокеанский регион'),
    countries: 'AF AS AU BD BT BN KH CN CK FJ PF GU HK IN ID JP KI KP KR LA MO MY MV MH FM MN MM NR NP NC NZ NU NF MP PK PW PG PH PN WS SG SB LK TW TH TL TK TO TV VU VN WF',
  },
  europe_central_asia: {
    labels: L('Europe and Central Asia', 'Europa y Asia central', 'Europe et Asie centrale', 'أوروبا وآسيا الوسطى', 'Европа и Центральная Азия'),
    countries: 'AX AL AD AM AT AZ BY BE BA BG HR CY CZ DK EE FO FI FR GE DE GI GR GG HU IS IE IM IT JE KZ XK KG LV LI LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH TJ TR TM UA GB UZ VA',
  },
  mena: {
    labels: L('Middle East and North Africa', 'Oriente Medio y Norte de África', 'Moyen-Orient et Afrique du Nord', 'الشرق الأوسط وشمال أفريقيا', 'Ближний Восток и Северная Африка'),
    countries: 'DZ BH EG IR IQ IL JO KW LB LY MA OM PS QA SA SY TN AE YE EH',
  },
};

// Languages a request may be written in; names come from CLDR in the reader's locale.
const languages =
  'en es fr ar ru pt fa tr uk zh hi ur bn id ms sw am my th vi ko ja de it pl ro sr hr bs sq ka hy az kk ky uz tg ku ps ta si km ne tl ha so yo ti he be';

export async function seedTaxonomies(db: Kysely<unknown>): Promise<void> {
  const terms: Term[] = [...incidentTypes, ...urgency, ...severity, ...beneficiary, ...mandate];
  for (const [code, r] of Object.entries(regions)) {
    terms.push({ kind: 'region', code, labels: r.labels });
    for (const cc of r.countries.split(' ')) terms.push({ kind: 'country', code: cc, parent: code, labels: {} });
  }
  for (const lang of languages.split(' ')) terms.push({ kind: 'language', code: lang, labels: {} });

  const sortByKind = new Map<string, number>();
  const rows = terms.map((t) => {
    const sort = (sortByKind.get(t.kind) ?? 0) + 1;
    sortByKind.set(t.kind, sort);
    return {
      kind: t.kind,
      code: t.code,
      parent: t.parent ?? null,
      rsit: t.rsit ?? null,
      sort,
      labels: JSON.stringify(t.labels),
      active: 1,
    };
  });
  const db2 = db as Kysely<{ taxonomy_terms: (typeof rows)[number] }>;
  for (let i = 0; i < rows.length; i += 100) {
    await db2.insertInto('taxonomy_terms').values(rows.slice(i, i + 100)).execute();
  }
}
