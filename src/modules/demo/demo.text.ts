// Synthetic text for the demo conversations: short, plausible, in the helpline's main
// languages, naming no real person or organisation. `{days}` is replaced by a number.
// Requests in a language without templates are written in English, as people often do.

export const INCIDENT_CODES = [
  'device_lost',
  'account_access',
  'device_suspicious',
  'suspicious_message',
  'website_down',
  'impersonation',
  'harassment',
  'data_lost',
  'surveillance',
  'doxing',
  'ncii',
  'connectivity',
  'security_review',
  'other',
] as const;
export type IncidentCode = (typeof INCIDENT_CODES)[number];

export interface LanguageText {
  opening: readonly string[];
  incident: Readonly<Record<IncidentCode, readonly string[]>>;
  closing: readonly string[];
  initialReply: readonly string[];
  outOfMandate: readonly string[];
  advice: readonly string[];
  closingReply: readonly string[];
  followUp: readonly string[];
}

const en: LanguageText = {
  opening: ['Hello,', 'Hi, I need help.', 'Good evening,', 'I was told you could help us.'],
  incident: {
    device_lost: [
      'My phone was taken at a checkpoint {days} days ago and has not been returned.',
      'Our office laptop was stolen last night, with project files on it.',
    ],
    account_access: [
      'I cannot get into my email account since {days} days ago; the password was changed.',
      'Someone took over our organisation’s social media page and locked us out.',
    ],
    device_suspicious: [
      'My phone heats up and the battery drains even when I do not use it.',
      'Since a border crossing my laptop behaves strangely and new programs appeared.',
    ],
    suspicious_message: [
      'I received a message with a link asking me to confirm my account details.',
      'Several of us got the same email pretending to be from a donor, with an attachment.',
    ],
    website_down: [
      'Our website has been down for {days} days and the host says it is an attack.',
      'Our news site goes offline every time we publish about the elections.',
    ],
    impersonation: [
      'Someone created a fake profile with my name and photo and is messaging my contacts.',
      'A fake page uses our logo and asks people for donations.',
    ],
    harassment: [
      'I am receiving hundreds of insulting and threatening messages every day.',
      'After my last article, a group started posting threats against me and my family.',
    ],
    data_lost: [
      'Our shared drive was wiped and we lost {days} months of documentation.',
      'My computer stopped working and I had no backup of my interviews.',
    ],
    surveillance: [
      'I think my calls are being listened to; people know things I only said on the phone.',
      'A car follows me and someone seems to know where I am through my phone.',
    ],
    doxing: [
      'My home address and my children’s school were published online.',
      'A channel posted the names and phone numbers of our members.',
    ],
    ncii: [
      'Private pictures of me are being shared without my consent to discredit me.',
      'Someone threatens to publish intimate images unless I stop my work.',
    ],
    connectivity: [
      'The internet in our region has been cut for {days} days and we cannot report.',
      'Our messaging apps are blocked and we need a safe way to communicate.',
    ],
    security_review: [
      'We are a small collective and would like advice on securing our devices and accounts.',
      'Before an upcoming trip, I would like to review my phone and laptop security.',
    ],
    other: ['I am not sure what is happening, but something is wrong with our accounts.'],
  },
  closing: ['Thank you.', 'Please reply soon.', 'I can talk on a secure channel.', ''],
  initialReply: [
    'Thank you for contacting us. We have received your request and a member of our team is looking at it now.',
    'Hello, we received your message. To help you safely, could you tell us a bit more about what happened and when?',
  ],
  outOfMandate: [
    'Thank you for writing to us. This request is outside what we can support, so we have referred you to a partner who can help.',
  ],
  advice: [
    'Please change your passwords from a device you trust and turn on two-step verification.',
    'Do not open the attachment. Could you forward the message headers to us?',
    'We recommend keeping the device switched off until we can check it together.',
    'We have prepared a short guide for you; please tell us if anything is unclear.',
    'We have reported the fake profile and will let you know when it is removed.',
  ],
  closingReply: [
    'We are closing this case for now. You can write again at any time with your receipt code.',
    'We are glad this is resolved. Stay safe, and write to us again if anything changes.',
  ],
  followUp: [
    'Thank you, I did what you suggested.',
    'It is still happening, what else can I do?',
    'Here is the additional information you asked for.',
    'Everything works now, thank you very much.',
  ],
};

const es: LanguageText = {
  opening: [
    'Hola,',
    'Buenas tardes,',
    'Necesito ayuda urgente.',
    'Me dijeron que ustedes podían ayudarnos.',
  ],
  incident: {
    device_lost: [
      'Me quitaron el teléfono en un retén hace {days} días y no me lo devolvieron.',
      'Anoche robaron la computadora de la oficina con archivos del proyecto.',
    ],
    account_access: [
      'No puedo entrar a mi correo desde hace {days} días; cambiaron la contraseña.',
      'Alguien tomó el control de la página de nuestra organización y no podemos entrar.',
    ],
    device_suspicious: [
      'Mi teléfono se calienta y la batería se agota aunque no lo use.',
      'Desde que crucé la frontera mi computadora hace cosas raras.',
    ],
    suspicious_message: [
      'Recibí un mensaje con un enlace que me pide confirmar los datos de mi cuenta.',
      'Varias compañeras recibimos el mismo correo que se hace pasar por un donante.',
    ],
    website_down: [
      'Nuestra página web está caída desde hace {days} días y el proveedor dice que es un ataque.',
      'Nuestro medio se cae cada vez que publicamos sobre las elecciones.',
    ],
    impersonation: [
      'Crearon un perfil falso con mi nombre y mi foto y escriben a mis contactos.',
      'Una página falsa usa nuestro logo y pide donaciones.',
    ],
    harassment: [
      'Recibo cientos de mensajes de insultos y amenazas todos los días.',
      'Después de mi último reportaje empezaron a publicar amenazas contra mi familia.',
    ],
    data_lost: [
      'Borraron nuestra carpeta compartida y perdimos {days} meses de documentación.',
      'Mi computadora dejó de funcionar y no tenía copia de mis entrevistas.',
    ],
    surveillance: [
      'Creo que escuchan mis llamadas; saben cosas que solo dije por teléfono.',
      'Un carro me sigue y parece que saben dónde estoy por mi celular.',
    ],
    doxing: [
      'Publicaron mi dirección y la escuela de mis hijos en internet.',
      'Un canal publicó los nombres y teléfonos de nuestras integrantes.',
    ],
    ncii: [
      'Están difundiendo fotos íntimas mías sin mi consentimiento para desacreditarme.',
      'Me amenazan con publicar imágenes íntimas si no dejo mi trabajo.',
    ],
    connectivity: [
      'Cortaron internet en nuestra región hace {days} días y no podemos informar.',
      'Bloquearon las aplicaciones de mensajería y necesitamos comunicarnos de forma segura.',
    ],
    security_review: [
      'Somos una colectiva pequeña y queremos asesoría para proteger nuestros equipos y cuentas.',
      'Antes de un viaje quisiera revisar la seguridad de mi teléfono y mi computadora.',
    ],
    other: ['No sé bien qué pasa, pero algo raro ocurre con nuestras cuentas.'],
  },
  closing: ['Gracias.', 'Por favor respondan pronto.', 'Puedo hablar por un canal seguro.', ''],
  initialReply: [
    'Gracias por escribirnos. Recibimos su solicitud y una persona del equipo la está revisando.',
    'Hola, recibimos su mensaje. Para ayudarle de forma segura, ¿nos puede contar un poco más sobre lo que pasó?',
  ],
  outOfMandate: [
    'Gracias por escribirnos. Esta solicitud está fuera de lo que podemos apoyar; la hemos remitido a una organización aliada.',
  ],
  advice: [
    'Cambie sus contraseñas desde un dispositivo de confianza y active la verificación en dos pasos.',
    'No abra el archivo adjunto. ¿Puede reenviarnos los encabezados del mensaje?',
    'Le recomendamos mantener el dispositivo apagado hasta que podamos revisarlo juntos.',
    'Preparamos una guía corta para usted; díganos si algo no queda claro.',
  ],
  closingReply: [
    'Cerramos este caso por ahora. Puede escribirnos cuando quiera con su código de recibo.',
    'Nos alegra que se haya resuelto. Cuídese, y escríbanos si algo cambia.',
  ],
  followUp: [
    'Gracias, hice lo que me sugirieron.',
    'Sigue pasando, ¿qué más puedo hacer?',
    'Aquí está la información adicional que pidieron.',
    'Ya funciona todo, muchas gracias.',
  ],
};

const fr: LanguageText = {
  opening: [
    'Bonjour,',
    'Bonsoir,',
    "J'ai besoin d'aide.",
    'On m’a dit que vous pouviez nous aider.',
  ],
  incident: {
    device_lost: [
      'Mon téléphone a été confisqué à un barrage il y a {days} jours et ne m’a pas été rendu.',
      'L’ordinateur du bureau a été volé cette nuit, avec les fichiers du projet.',
    ],
    account_access: [
      'Je n’arrive plus à accéder à ma messagerie depuis {days} jours ; le mot de passe a été changé.',
      'Quelqu’un a pris le contrôle de la page de notre association.',
    ],
    device_suspicious: [
      'Mon téléphone chauffe et la batterie se vide même quand je ne l’utilise pas.',
      'Depuis un passage à la frontière, mon ordinateur se comporte bizarrement.',
    ],
    suspicious_message: [
      'J’ai reçu un message avec un lien qui me demande de confirmer mes identifiants.',
      'Plusieurs membres ont reçu le même courriel se faisant passer pour un bailleur.',
    ],
    website_down: [
      'Notre site est inaccessible depuis {days} jours et l’hébergeur parle d’une attaque.',
      'Notre journal en ligne tombe chaque fois que nous publions sur les élections.',
    ],
    impersonation: [
      'Quelqu’un a créé un faux profil avec mon nom et ma photo et écrit à mes contacts.',
      'Une fausse page utilise notre logo et demande des dons.',
    ],
    harassment: [
      'Je reçois chaque jour des centaines de messages d’insultes et de menaces.',
      'Depuis mon dernier article, un groupe publie des menaces contre ma famille.',
    ],
    data_lost: [
      'Notre dossier partagé a été effacé et nous avons perdu {days} mois de documentation.',
      'Mon ordinateur ne démarre plus et je n’avais pas de sauvegarde de mes entretiens.',
    ],
    surveillance: [
      'Je pense que mes appels sont écoutés ; des gens savent ce que j’ai dit au téléphone.',
      'Une voiture me suit et on semble savoir où je suis grâce à mon téléphone.',
    ],
    doxing: [
      'Mon adresse et l’école de mes enfants ont été publiées en ligne.',
      'Une chaîne a publié les noms et numéros de nos membres.',
    ],
    ncii: [
      'Des photos intimes de moi circulent sans mon consentement pour me discréditer.',
      'On menace de publier des images intimes si je n’arrête pas mon travail.',
    ],
    connectivity: [
      'Internet est coupé dans notre région depuis {days} jours et nous ne pouvons plus informer.',
      'Les messageries sont bloquées et nous avons besoin d’un moyen sûr de communiquer.',
    ],
    security_review: [
      'Nous sommes un petit collectif et souhaitons des conseils pour sécuriser nos appareils.',
      'Avant un déplacement, je voudrais faire vérifier la sécurité de mon téléphone.',
    ],
    other: [
      'Je ne sais pas exactement ce qui se passe, mais quelque chose ne va pas avec nos comptes.',
    ],
  },
  closing: ['Merci.', 'Merci de répondre vite.', 'Je peux parler sur un canal sécurisé.', ''],
  initialReply: [
    'Merci de nous avoir écrit. Nous avons bien reçu votre demande et une personne de l’équipe s’en occupe.',
    'Bonjour, nous avons reçu votre message. Pouvez-vous nous en dire un peu plus sur ce qui s’est passé ?',
  ],
  outOfMandate: [
    'Merci de nous avoir écrit. Cette demande sort de notre champ d’action ; nous l’avons transmise à un partenaire.',
  ],
  advice: [
    'Changez vos mots de passe depuis un appareil de confiance et activez la validation en deux étapes.',
    'N’ouvrez pas la pièce jointe. Pouvez-vous nous transférer les en-têtes du message ?',
    'Nous vous conseillons de garder l’appareil éteint jusqu’à ce que nous puissions le vérifier.',
    'Nous avons préparé un petit guide pour vous ; dites-nous si quelque chose n’est pas clair.',
  ],
  closingReply: [
    'Nous fermons ce dossier pour le moment. Vous pouvez nous écrire à tout moment avec votre code de reçu.',
    'Nous sommes contents que ce soit réglé. Prenez soin de vous.',
  ],
  followUp: [
    'Merci, j’ai fait ce que vous m’avez conseillé.',
    'Ça continue, que puis-je faire d’autre ?',
    'Voici les informations que vous avez demandées.',
    'Tout fonctionne maintenant, merci beaucoup.',
  ],
};

const ar: LanguageText = {
  opening: ['مرحباً،', 'السلام عليكم،', 'أحتاج إلى مساعدة عاجلة.', 'قيل لي إنكم تستطيعون مساعدتنا.'],
  incident: {
    device_lost: [
      'صودر هاتفي عند نقطة تفتيش قبل {days} أيام ولم يُعَد إليّ.',
      'سُرق حاسوب المكتب الليلة الماضية وعليه ملفات المشروع.',
    ],
    account_access: [
      'لا أستطيع الدخول إلى بريدي الإلكتروني منذ {days} أيام، فقد تم تغيير كلمة المرور.',
      'استولى شخص ما على صفحة منظمتنا ولم نعد نستطيع الدخول.',
    ],
    device_suspicious: [
      'هاتفي يسخن وتنفد البطارية حتى عندما لا أستخدمه.',
      'منذ عبوري الحدود يتصرف حاسوبي بشكل غريب.',
    ],
    suspicious_message: [
      'وصلتني رسالة فيها رابط يطلب مني تأكيد بيانات حسابي.',
      'وصل إلى عدد منا البريد نفسه منتحلاً صفة جهة مانحة ومعه مرفق.',
    ],
    website_down: [
      'موقعنا متوقف منذ {days} أيام ومزود الاستضافة يقول إنه هجوم.',
      'يتوقف موقعنا الإخباري كلما نشرنا عن الانتخابات.',
    ],
    impersonation: [
      'أنشأ أحدهم حساباً مزيفاً باسمي وصورتي ويراسل معارفي.',
      'صفحة مزيفة تستخدم شعارنا وتطلب تبرعات.',
    ],
    harassment: [
      'تصلني كل يوم مئات الرسائل المسيئة والتهديدات.',
      'بعد مقالي الأخير بدأت مجموعة بنشر تهديدات ضدي وضد عائلتي.',
    ],
    data_lost: [
      'تم مسح مجلدنا المشترك وفقدنا توثيق {days} أشهر.',
      'تعطل حاسوبي ولم تكن لدي نسخة احتياطية من المقابلات.',
    ],
    surveillance: [
      'أظن أن مكالماتي مراقبة، فهناك من يعرف أشياء قلتها على الهاتف فقط.',
      'هناك سيارة تتبعني ويبدو أنهم يعرفون مكاني من خلال هاتفي.',
    ],
    doxing: [
      'نُشر عنوان بيتي ومدرسة أطفالي على الإنترنت.',
      'نشرت قناة أسماء أعضائنا وأرقام هواتفهم.',
    ],
    ncii: [
      'تُنشر صور خاصة لي دون موافقتي بهدف تشويه سمعتي.',
      'يهددني أحدهم بنشر صور خاصة إن لم أتوقف عن عملي.',
    ],
    connectivity: [
      'قُطع الإنترنت في منطقتنا منذ {days} أيام ولا نستطيع النشر.',
      'تم حجب تطبيقات المراسلة ونحتاج إلى وسيلة آمنة للتواصل.',
    ],
    security_review: [
      'نحن مجموعة صغيرة ونريد نصائح لحماية أجهزتنا وحساباتنا.',
      'قبل سفر قريب أود مراجعة أمان هاتفي وحاسوبي.',
    ],
    other: ['لست متأكداً مما يحدث، لكن هناك خللاً في حساباتنا.'],
  },
  closing: ['شكراً.', 'أرجو الرد سريعاً.', 'يمكنني التحدث عبر قناة آمنة.', ''],
  initialReply: [
    'شكراً لتواصلك معنا. استلمنا طلبك ويعمل عليه الآن أحد أعضاء فريقنا.',
    'مرحباً، استلمنا رسالتك. لمساعدتك بأمان، هل يمكنك إخبارنا بالمزيد عما حدث ومتى؟',
  ],
  outOfMandate: [
    'شكراً لتواصلك. هذا الطلب خارج نطاق ما نستطيع دعمه، لذلك أحلناه إلى شريك يمكنه المساعدة.',
  ],
  advice: [
    'يرجى تغيير كلمات المرور من جهاز موثوق وتفعيل التحقق بخطوتين.',
    'لا تفتح المرفق. هل يمكنك إرسال ترويسات الرسالة إلينا؟',
    'ننصح بإبقاء الجهاز مطفأً حتى نتمكن من فحصه معاً.',
    'أعددنا لك دليلاً قصيراً، أخبرنا إن كان هناك ما هو غير واضح.',
  ],
  closingReply: [
    'سنغلق هذه الحالة الآن. يمكنك مراسلتنا في أي وقت باستخدام رمز الإيصال.',
    'يسعدنا أن المشكلة حُلّت. ابقَ بأمان، وراسلنا إن تغير شيء.',
  ],
  followUp: [
    'شكراً، قمت بما اقترحتموه.',
    'ما زال الأمر مستمراً، ماذا يمكنني أن أفعل أيضاً؟',
    'هذه هي المعلومات الإضافية التي طلبتموها.',
    'كل شيء يعمل الآن، شكراً جزيلاً.',
  ],
};

const ru: LanguageText = {
  opening: [
    'Здравствуйте,',
    'Добрый вечер,',
    'Мне нужна помощь.',
    'Мне сказали, что вы можете помочь.',
  ],
  incident: {
    device_lost: [
      'У меня изъяли телефон на блокпосту {days} дней назад и не вернули.',
      'Этой ночью из офиса украли ноутбук с файлами проекта.',
    ],
    account_access: [
      'Я не могу войти в почту уже {days} дней: пароль был изменён.',
      'Кто-то захватил страницу нашей организации, и мы не можем войти.',
    ],
    device_suspicious: [
      'Телефон греется и быстро разряжается, даже когда я им не пользуюсь.',
      'После пересечения границы ноутбук ведёт себя странно.',
    ],
    suspicious_message: [
      'Мне пришло сообщение со ссылкой, где просят подтвердить данные аккаунта.',
      'Нескольким из нас пришло одинаковое письмо якобы от донора с вложением.',
    ],
    website_down: [
      'Наш сайт не работает уже {days} дней, хостинг говорит, что это атака.',
      'Наше издание падает каждый раз, когда мы пишем о выборах.',
    ],
    impersonation: [
      'Кто-то создал фейковый профиль с моим именем и фото и пишет моим знакомым.',
      'Фальшивая страница использует наш логотип и собирает пожертвования.',
    ],
    harassment: [
      'Каждый день я получаю сотни оскорблений и угроз.',
      'После моей последней статьи группа публикует угрозы мне и моей семье.',
    ],
    data_lost: [
      'Нашу общую папку стёрли, мы потеряли документацию за {days} месяцев.',
      'Компьютер сломался, а резервной копии интервью у меня не было.',
    ],
    surveillance: [
      'Думаю, мои звонки прослушивают: люди знают то, что я говорил только по телефону.',
      'За мной ездит машина, и, похоже, меня отслеживают по телефону.',
    ],
    doxing: [
      'Мой домашний адрес и школу моих детей опубликовали в интернете.',
      'Канал опубликовал имена и телефоны наших участников.',
    ],
    ncii: [
      'Мои личные фотографии распространяют без моего согласия, чтобы меня дискредитировать.',
      'Мне угрожают опубликовать интимные снимки, если я не прекращу работу.',
    ],
    connectivity: [
      'В нашем регионе отключили интернет {days} дней назад, мы не можем сообщать новости.',
      'Мессенджеры заблокированы, нам нужен безопасный способ связи.',
    ],
    security_review: [
      'Мы небольшая инициативная группа и хотим совета по защите устройств и аккаунтов.',
      'Перед поездкой я хотел бы проверить безопасность телефона и ноутбука.',
    ],
    other: ['Не понимаю, что происходит, но с нашими аккаунтами что-то не так.'],
  },
  closing: [
    'Спасибо.',
    'Пожалуйста, ответьте поскорее.',
    'Могу говорить по защищённому каналу.',
    '',
  ],
  initialReply: [
    'Спасибо, что написали нам. Мы получили ваш запрос, им уже занимается сотрудник команды.',
    'Здравствуйте, мы получили ваше сообщение. Расскажите, пожалуйста, подробнее, что и когда произошло.',
  ],
  outOfMandate: [
    'Спасибо, что написали. Этот запрос выходит за рамки нашей работы, поэтому мы передали его партнёрам.',
  ],
  advice: [
    'Смените пароли с надёжного устройства и включите двухэтапную проверку.',
    'Не открывайте вложение. Можете переслать нам заголовки письма?',
    'Рекомендуем держать устройство выключенным, пока мы не проверим его вместе.',
    'Мы подготовили для вас короткую инструкцию; напишите, если что-то непонятно.',
  ],
  closingReply: [
    'Мы пока закрываем это обращение. Вы можете написать в любое время, используя код квитанции.',
    'Рады, что всё решилось. Берегите себя и пишите, если что-то изменится.',
  ],
  followUp: [
    'Спасибо, я сделал то, что вы посоветовали.',
    'Это продолжается, что ещё я могу сделать?',
    'Вот дополнительная информация, которую вы просили.',
    'Теперь всё работает, большое спасибо.',
  ],
};

/** Templates by language code; other languages fall back to English. */
export const DEMO_TEXT: Readonly<Record<string, LanguageText>> = { en, es, fr, ar, ru };

/** Internal notes are written in the team's working language. */
export const NOTES = {
  vetting: [
    'Vetted through a trusted partner; in mandate.',
    'Identity confirmed by a regional partner. In mandate.',
    'Known to the team from a previous case; in mandate.',
  ],
  outOfMandate: [
    'Out of mandate (commercial dispute); referred to a partner helpline.',
    'Out of mandate: not a civil society actor. Referral sent.',
  ],
  progress: [
    'Indicators shared with peers under TLP:AMBER.',
    'Requester prefers short messages; connection is unstable.',
    'Checked the message headers: sender domain registered last week.',
    'Escalated to the shift lead for a second opinion.',
    'Possible link to the wave of similar requests this week.',
  ],
} as const;

/** Words for synthetic contact details (never real accounts). */
export const CONTACT_WORDS = [
  'river',
  'cedar',
  'lumen',
  'harbor',
  'sable',
  'meadow',
  'ember',
  'quill',
  'onyx',
  'willow',
  'kestrel',
  'juniper',
  'delta',
  'marble',
  'tamarind',
  'zephyr',
  'orchid',
  'basalt',
] as const;
