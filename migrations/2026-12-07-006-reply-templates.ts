import type { Kysely } from 'kysely';
import { millis } from './dialect.js';

// Reply templates (the templates module): texts a handler starts a reply from, one variant per
// language. Frozen: later changes come as new migrations.
//
// - reply_templates: id, name (what staff choose it by), active (0: retired, offered nowhere,
//   kept with its variants), sort (the order it is offered in), created_at, updated_at.
// - reply_template_variants: one text per (template, language); the language is a code of the
//   `language` vocabulary. Plain text with placeholders {handler_name}, {case_number},
//   {followup_url} and {organisation}. Variants go with their template.
//
// Seeded with the five templates good helplines answer with (initial reply, out of mandate
// with a referral, referral follow-up, outreach after a local crisis, security assessment
// report), each in English, Spanish, French, Arabic and Russian. Square brackets mark what
// the handler writes in before sending; nothing in them is filled in by Haven.

const SEEDED_AT = Date.UTC(2026, 11, 7);

type Texts = Record<'en' | 'es' | 'fr' | 'ar' | 'ru', string>;

interface TemplateSeed {
  id: string;
  name: string;
  texts: Texts;
}

const INITIAL_REPLY: Texts = {
  en: `Hello,

Thank you for writing to us. My name is {handler_name} and I am part of the team at {organisation}. I have read your message and I am here to help.

Your case number is {case_number}. To read our replies and write to us again, open the follow-up page and sign in with the code you received when you sent your request:
{followup_url}

Before we go further, I would like to understand your situation a little better. When you can, please tell us:
- what happened, and when it started;
- which devices and accounts are affected;
- whether you or people close to you are in danger right now.

Please never send us passwords, and share only what feels safe to share. If something changes or gets worse, write to us again on the same page.

With care,
{handler_name}
{organisation}`,
  es: `Hola:

Gracias por escribirnos. Me llamo {handler_name} y formo parte del equipo de {organisation}. He leído tu mensaje y estoy aquí para ayudarte.

El número de tu caso es {case_number}. Para leer nuestras respuestas y volver a escribirnos, abre la página de seguimiento y entra con el código que recibiste al enviar tu solicitud:
{followup_url}

Antes de seguir, me gustaría entender un poco mejor tu situación. Cuando puedas, cuéntanos:
- qué pasó y cuándo empezó;
- qué dispositivos y cuentas están afectados;
- si tú o personas cercanas a ti están en peligro en este momento.

Por favor, nunca nos envíes contraseñas y comparte solo lo que te parezca seguro compartir. Si algo cambia o empeora, vuelve a escribirnos en la misma página.

Un abrazo,
{handler_name}
{organisation}`,
  fr: `Bonjour,

Merci de nous avoir écrit. Je m’appelle {handler_name} et je fais partie de l’équipe de {organisation}. J’ai lu votre message et je suis là pour vous aider.

Le numéro de votre dossier est {case_number}. Pour lire nos réponses et nous écrire à nouveau, ouvrez la page de suivi et connectez-vous avec le code que vous avez reçu en envoyant votre demande :
{followup_url}

Avant d’aller plus loin, j’aimerais comprendre un peu mieux votre situation. Quand vous le pourrez, dites-nous :
- ce qui s’est passé, et depuis quand ;
- quels appareils et quels comptes sont touchés ;
- si vous-même ou des personnes proches êtes en danger en ce moment.

Ne nous envoyez jamais de mots de passe, et ne partagez que ce qu’il vous semble sûr de partager. Si quelque chose change ou s’aggrave, écrivez-nous à nouveau sur la même page.

Bien à vous,
{handler_name}
{organisation}`,
  ar: `مرحبًا،

شكرًا لكتابتك إلينا. اسمي {handler_name} وأنا من فريق {organisation}. قرأت رسالتك وأنا هنا لمساعدتك.

رقم حالتك هو {case_number}. لقراءة ردودنا والكتابة إلينا مرة أخرى، افتح صفحة المتابعة وادخل بالرمز الذي حصلت عليه عند إرسال طلبك:
{followup_url}

قبل أن نمضي قدمًا، أودّ أن أفهم وضعك بشكل أفضل قليلًا. عندما تستطيع، أخبرنا من فضلك:
- ماذا حدث، ومتى بدأ؛
- ما الأجهزة والحسابات المتأثرة؛
- هل أنت أو أشخاص قريبون منك في خطر الآن.

لا ترسل إلينا كلمات المرور أبدًا، وشارك فقط ما تشعر أنه آمن. إذا تغيّر شيء أو ساءت الأمور، اكتب إلينا مرة أخرى على الصفحة نفسها.

مع خالص الاهتمام،
{handler_name}
{organisation}`,
  ru: `Здравствуйте!

Спасибо, что написали нам. Меня зовут {handler_name}, я работаю в команде {organisation}. Я прочитал(а) ваше сообщение и готов(а) помочь.

Номер вашего обращения — {case_number}. Чтобы читать наши ответы и снова написать нам, откройте страницу для ответов и войдите с кодом, который вы получили при отправке запроса:
{followup_url}

Прежде чем двигаться дальше, я хотел(а) бы чуть лучше понять вашу ситуацию. Когда сможете, расскажите, пожалуйста:
- что случилось и когда это началось;
- какие устройства и аккаунты затронуты;
- угрожает ли опасность вам или близким вам людям прямо сейчас.

Пожалуйста, никогда не присылайте нам пароли и рассказывайте только то, чем вам безопасно поделиться. Если что-то изменится или станет хуже, напишите нам снова на той же странице.

С заботой,
{handler_name}
{organisation}`,
};

const OUT_OF_MANDATE: Texts = {
  en: `Hello,

Thank you for trusting us with your request. My name is {handler_name}, from {organisation}.

We have read your request carefully. What you need is outside what our team can do, and we do not want you to wait for help we cannot give. We believe this organisation is better placed to support you:

[name of the organisation, what it does, and how to reach it safely]

If you wish, we can tell them about your situation, sharing only what you allow us to share. Please let us know on the follow-up page (case {case_number}):
{followup_url}

If you face a digital security problem in the future, you are always welcome to write to us again.

With care,
{handler_name}
{organisation}`,
  es: `Hola:

Gracias por confiarnos tu solicitud. Me llamo {handler_name} y escribo desde {organisation}.

Hemos leído tu solicitud con atención. Lo que necesitas está fuera de lo que nuestro equipo puede hacer, y no queremos que esperes una ayuda que no podemos darte. Creemos que esta organización está en mejores condiciones de apoyarte:

[nombre de la organización, qué hace y cómo contactarla de forma segura]

Si quieres, podemos contarles tu situación, compartiendo solo lo que nos autorices a compartir. Dínoslo en la página de seguimiento (caso {case_number}):
{followup_url}

Si en el futuro tienes un problema de seguridad digital, siempre puedes volver a escribirnos.

Un abrazo,
{handler_name}
{organisation}`,
  fr: `Bonjour,

Merci de nous avoir confié votre demande. Je m’appelle {handler_name} et je vous écris de la part de {organisation}.

Nous avons lu votre demande avec attention. Ce dont vous avez besoin dépasse ce que notre équipe peut faire, et nous ne voulons pas que vous attendiez une aide que nous ne pouvons pas apporter. Nous pensons que cette organisation est mieux placée pour vous soutenir :

[nom de l’organisation, ce qu’elle fait, et comment la contacter en sécurité]

Si vous le souhaitez, nous pouvons lui présenter votre situation, en ne partageant que ce que vous nous autorisez à partager. Dites-le-nous sur la page de suivi (dossier {case_number}) :
{followup_url}

Si vous rencontrez un jour un problème de sécurité numérique, vous pourrez toujours nous écrire à nouveau.

Bien à vous,
{handler_name}
{organisation}`,
  ar: `مرحبًا،

شكرًا لثقتك بنا في طلبك. اسمي {handler_name}، من {organisation}.

قرأنا طلبك بعناية. ما تحتاج إليه يقع خارج ما يستطيع فريقنا القيام به، ولا نريد أن تنتظر مساعدة لا نستطيع تقديمها. نعتقد أن هذه المنظمة أقدر على دعمك:

[اسم المنظمة، وما تقوم به، وكيف يمكن التواصل معها بأمان]

إذا رغبت، يمكننا أن نعرّفهم بوضعك، ولن نشارك إلا ما تسمح لنا بمشاركته. أخبرنا بذلك على صفحة المتابعة (الحالة {case_number}):
{followup_url}

إذا واجهت مشكلة في الأمن الرقمي في المستقبل، فيسعدنا دائمًا أن تكتب إلينا مرة أخرى.

مع خالص الاهتمام،
{handler_name}
{organisation}`,
  ru: `Здравствуйте!

Спасибо, что доверили нам свой запрос. Меня зовут {handler_name}, я пишу от имени {organisation}.

Мы внимательно прочитали ваш запрос. То, что вам нужно, выходит за рамки того, чем может помочь наша команда, и мы не хотим, чтобы вы ждали помощи, которую мы не можем дать. Мы думаем, что эта организация сможет поддержать вас лучше:

[название организации, чем она занимается и как безопасно с ней связаться]

Если хотите, мы можем рассказать им о вашей ситуации — только то, чем вы разрешите поделиться. Сообщите нам об этом на странице для ответов (обращение {case_number}):
{followup_url}

Если в будущем у вас возникнет проблема с цифровой безопасностью, вы всегда можете снова написать нам.

С заботой,
{handler_name}
{organisation}`,
};

const REFERRAL_FOLLOW_UP: Texts = {
  en: `Hello,

This is {handler_name} from {organisation}, writing about your case {case_number}.

Some time ago we put you in touch with [organisation] about your situation. We would like to know how it went: were you able to reach them, and did you get the support you needed?

If something is still unresolved, or something new has happened, tell us and we will look together at what else can be done. You can answer on the follow-up page, with your code:
{followup_url}

Take care,
{handler_name}
{organisation}`,
  es: `Hola:

Soy {handler_name}, de {organisation}, y te escribo sobre tu caso {case_number}.

Hace un tiempo te pusimos en contacto con [organización] por tu situación. Nos gustaría saber cómo fue: ¿pudiste comunicarte con ellos y recibiste el apoyo que necesitabas?

Si algo sigue sin resolverse, o ha pasado algo nuevo, cuéntanoslo y veremos juntos qué más se puede hacer. Puedes responder en la página de seguimiento, con tu código:
{followup_url}

Cuídate,
{handler_name}
{organisation}`,
  fr: `Bonjour,

C’est {handler_name}, de {organisation}, au sujet de votre dossier {case_number}.

Il y a quelque temps, nous vous avons mis en contact avec [organisation] pour votre situation. Nous aimerions savoir comment cela s’est passé : avez-vous pu les joindre, et avez-vous reçu le soutien dont vous aviez besoin ?

Si quelque chose n’est toujours pas résolu, ou si quelque chose de nouveau s’est produit, dites-le-nous et nous verrons ensemble ce qui peut encore être fait. Vous pouvez répondre sur la page de suivi, avec votre code :
{followup_url}

Prenez soin de vous,
{handler_name}
{organisation}`,
  ar: `مرحبًا،

معك {handler_name} من {organisation}، أكتب إليك بخصوص حالتك {case_number}.

قبل فترة وضعناك على تواصل مع [المنظمة] بشأن وضعك. نودّ أن نعرف كيف جرت الأمور: هل تمكّنت من الوصول إليهم، وهل حصلت على الدعم الذي كنت تحتاج إليه؟

إذا بقي شيء دون حل، أو حدث شيء جديد، فأخبرنا وسننظر معًا فيما يمكن فعله أيضًا. يمكنك الرد على صفحة المتابعة باستخدام رمزك:
{followup_url}

اعتنِ بنفسك،
{handler_name}
{organisation}`,
  ru: `Здравствуйте!

Это {handler_name} из {organisation}, пишу по поводу вашего обращения {case_number}.

Некоторое время назад мы связали вас с [организация] по вашей ситуации. Нам хотелось бы узнать, как всё прошло: удалось ли вам с ними связаться и получили ли вы нужную поддержку?

Если что-то так и не решилось или произошло что-то новое, расскажите нам, и мы вместе подумаем, что ещё можно сделать. Ответить можно на странице для ответов, с вашим кодом:
{followup_url}

Берегите себя,
{handler_name}
{organisation}`,
};

const CRISIS_OUTREACH: Texts = {
  en: `Hello,

This is {handler_name} from {organisation}. We have heard about the recent events in [place], and we are thinking of you and of the people you work with.

At times like this, attacks on phones, accounts and websites often increase: messages that try to steal passwords, accounts taken over, devices seized at checkpoints or during arrests, websites taken offline. If you notice anything unusual, or would simply like advice on protecting yourself and your team now, we are here to listen and to help as far as we can.

You can answer this message on the follow-up page, with your code (case {case_number}):
{followup_url}

Share only what feels safe to share. Please take care of yourselves.

{handler_name}
{organisation}`,
  es: `Hola:

Soy {handler_name}, de {organisation}. Nos hemos enterado de los hechos recientes en [lugar] y pensamos en ti y en las personas con las que trabajas.

En momentos así suelen aumentar los ataques contra teléfonos, cuentas y sitios web: mensajes que intentan robar contraseñas, cuentas tomadas por otras personas, dispositivos incautados en controles o detenciones, sitios web caídos. Si notas algo extraño, o simplemente quieres consejos para protegerte a ti y a tu equipo ahora, estamos aquí para escucharte y ayudarte en lo que podamos.

Puedes responder a este mensaje en la página de seguimiento, con tu código (caso {case_number}):
{followup_url}

Comparte solo lo que te parezca seguro compartir. Cuídense mucho.

{handler_name}
{organisation}`,
  fr: `Bonjour,

C’est {handler_name}, de {organisation}. Nous avons appris les événements récents à [lieu], et nous pensons à vous et aux personnes avec qui vous travaillez.

Dans ces moments-là, les attaques contre les téléphones, les comptes et les sites web augmentent souvent : messages qui cherchent à voler des mots de passe, comptes piratés, appareils saisis à des points de contrôle ou lors d’arrestations, sites mis hors ligne. Si vous remarquez quelque chose d’inhabituel, ou si vous souhaitez simplement des conseils pour vous protéger, vous et votre équipe, nous sommes là pour vous écouter et vous aider autant que nous le pouvons.

Vous pouvez répondre à ce message sur la page de suivi, avec votre code (dossier {case_number}) :
{followup_url}

Ne partagez que ce qu’il vous semble sûr de partager. Prenez soin de vous.

{handler_name}
{organisation}`,
  ar: `مرحبًا،

معك {handler_name} من {organisation}. علمنا بالأحداث الأخيرة في [المكان]، ونحن نفكّر فيك وفي الأشخاص الذين تعمل معهم.

في أوقات كهذه كثيرًا ما تزداد الهجمات على الهواتف والحسابات والمواقع الإلكترونية: رسائل تحاول سرقة كلمات المرور، وحسابات يُستولى عليها، وأجهزة تُصادَر عند الحواجز أو أثناء الاعتقالات، ومواقع تُعطَّل. إذا لاحظت أي شيء غير معتاد، أو أردت ببساطة نصيحة لحماية نفسك وفريقك الآن، فنحن هنا لنستمع إليك ونساعدك قدر ما نستطيع.

يمكنك الرد على هذه الرسالة في صفحة المتابعة باستخدام رمزك (الحالة {case_number}):
{followup_url}

شارك فقط ما تشعر أنه آمن. اعتنوا بأنفسكم.

{handler_name}
{organisation}`,
  ru: `Здравствуйте!

Это {handler_name} из {organisation}. Мы узнали о недавних событиях в [место] и думаем о вас и о людях, с которыми вы работаете.

В такие моменты атак на телефоны, аккаунты и сайты часто становится больше: сообщения, которые пытаются выманить пароли, взломанные аккаунты, устройства, изъятые на блокпостах или при задержаниях, отключённые сайты. Если вы заметили что-то необычное или просто хотите совета, как защитить себя и свою команду сейчас, мы готовы выслушать и помочь, насколько это в наших силах.

Ответить на это сообщение можно на странице для ответов, с вашим кодом (обращение {case_number}):
{followup_url}

Рассказывайте только то, чем вам безопасно поделиться. Берегите себя.

{handler_name}
{organisation}`,
};

const SECURITY_ASSESSMENT: Texts = {
  en: `Hello,

This is {handler_name} from {organisation}, with the results of the security assessment we did together for case {case_number}.

What we looked at:
[devices, accounts, websites or habits reviewed]

What we found:
[findings, the most urgent first]

What we recommend, in this order:
1. [the most urgent step]
2. [the next step]
3. [the next step]

No step makes anyone completely safe, but each one lowers the risk. If a step is unclear, or cannot be done where you are, tell us and we will look for another way together.

You can ask questions or tell us how it goes on the follow-up page, with your code:
{followup_url}

With care,
{handler_name}
{organisation}`,
  es: `Hola:

Soy {handler_name}, de {organisation}. Te escribo con los resultados de la evaluación de seguridad que hicimos juntos para el caso {case_number}.

Qué revisamos:
[dispositivos, cuentas, sitios web o hábitos revisados]

Qué encontramos:
[hallazgos, empezando por el más urgente]

Qué te recomendamos, en este orden:
1. [el paso más urgente]
2. [el siguiente paso]
3. [el siguiente paso]

Ningún paso hace que alguien esté completamente a salvo, pero cada uno reduce el riesgo. Si algún paso no está claro, o no se puede hacer donde estás, dínoslo y buscaremos otra forma juntos.

Puedes hacernos preguntas o contarnos cómo va en la página de seguimiento, con tu código:
{followup_url}

Un abrazo,
{handler_name}
{organisation}`,
  fr: `Bonjour,

C’est {handler_name}, de {organisation}. Voici les résultats de l’évaluation de sécurité que nous avons faite ensemble pour le dossier {case_number}.

Ce que nous avons examiné :
[appareils, comptes, sites web ou habitudes examinés]

Ce que nous avons trouvé :
[constats, le plus urgent d’abord]

Ce que nous recommandons, dans cet ordre :
1. [l’étape la plus urgente]
2. [l’étape suivante]
3. [l’étape suivante]

Aucune étape ne met personne complètement à l’abri, mais chacune réduit le risque. Si une étape n’est pas claire, ou ne peut pas être suivie là où vous êtes, dites-le-nous et nous chercherons ensemble une autre solution.

Vous pouvez poser vos questions ou nous dire où vous en êtes sur la page de suivi, avec votre code :
{followup_url}

Bien à vous,
{handler_name}
{organisation}`,
  ar: `مرحبًا،

معك {handler_name} من {organisation}، وهذه نتائج التقييم الأمني الذي أجريناه معًا للحالة {case_number}.

ما الذي فحصناه:
[الأجهزة أو الحسابات أو المواقع أو الممارسات التي رُوجعت]

ما الذي وجدناه:
[النتائج، الأكثر إلحاحًا أولًا]

ما نوصي به، بهذا الترتيب:
1. [الخطوة الأكثر إلحاحًا]
2. [الخطوة التالية]
3. [الخطوة التالية]

لا توجد خطوة تجعل أحدًا في أمان تام، لكن كل خطوة تقلّل الخطر. إذا لم تكن خطوة ما واضحة، أو لا يمكن القيام بها حيث أنت، فأخبرنا وسنبحث معًا عن طريقة أخرى.

يمكنك طرح أسئلتك أو إخبارنا بما يجري على صفحة المتابعة باستخدام رمزك:
{followup_url}

مع خالص الاهتمام،
{handler_name}
{organisation}`,
  ru: `Здравствуйте!

Это {handler_name} из {organisation}. Вот результаты оценки безопасности, которую мы провели вместе по обращению {case_number}.

Что мы проверили:
[устройства, аккаунты, сайты или привычки]

Что мы обнаружили:
[выводы, начиная с самого срочного]

Что мы рекомендуем, в таком порядке:
1. [самый срочный шаг]
2. [следующий шаг]
3. [следующий шаг]

Ни один шаг не делает человека полностью защищённым, но каждый снижает риск. Если какой-то шаг непонятен или его невозможно выполнить там, где вы находитесь, скажите нам, и мы вместе поищем другой способ.

Задать вопросы или рассказать, как идут дела, можно на странице для ответов, с вашим кодом:
{followup_url}

С заботой,
{handler_name}
{organisation}`,
};

/** The seeded templates, in the order they are offered. */
export const SEEDED_TEMPLATES: readonly TemplateSeed[] = [
  { id: 'initial-reply', name: 'Initial reply', texts: INITIAL_REPLY },
  { id: 'out-of-mandate', name: 'Out of mandate, with a referral', texts: OUT_OF_MANDATE },
  { id: 'referral-follow-up', name: 'Referral follow-up', texts: REFERRAL_FOLLOW_UP },
  { id: 'crisis-outreach', name: 'Outreach after a local crisis', texts: CRISIS_OUTREACH },
  { id: 'security-assessment', name: 'Security assessment report', texts: SECURITY_ASSESSMENT },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = millis(db);
  await db.schema
    .createTable('reply_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sort', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('reply_template_variants')
    .addColumn('template_id', 'text', (c) => c.notNull().references('reply_templates.id').onDelete('cascade'))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addPrimaryKeyConstraint('reply_template_variants_pk', ['template_id', 'language'])
    .execute();

  const seeds = db as unknown as Kysely<{
    reply_templates: { id: string; name: string; active: number; sort: number; created_at: number; updated_at: number };
    reply_template_variants: { template_id: string; language: string; body: string; updated_at: number; updated_by: string | null };
  }>;
  await seeds
    .insertInto('reply_templates')
    .values(
      SEEDED_TEMPLATES.map((t, i) => ({
        id: t.id,
        name: t.name,
        active: 1,
        sort: (i + 1) * 10,
        created_at: SEEDED_AT,
        updated_at: SEEDED_AT,
      })),
    )
    .execute();
  await seeds
    .insertInto('reply_template_variants')
    .values(
      SEEDED_TEMPLATES.flatMap((t) =>
        Object.entries(t.texts).map(([language, body]) => ({
          template_id: t.id,
          language,
          body,
          updated_at: SEEDED_AT,
          updated_by: null,
        })),
      ),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reply_template_variants').execute();
  await db.schema.dropTable('reply_templates').execute();
}
