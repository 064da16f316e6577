import type { Kysely } from 'kysely';
import { millis } from './dialect.js';

// Playbooks (the playbooks module, ADR 35): per incident type, an ordered checklist with
// guidance per step, in the five staff languages; applied to a case, each step becomes a task.
// Frozen: later changes come as new migrations.
//
// - playbooks: id (a seeded slug or a UUID), incident_type (a code of the `incident_type`
//   vocabulary, or null: offered for any case), active (0: retired, applied to no case, kept),
//   sort (the order it is offered in), created_at, updated_at.
// - playbook_names: the playbook's name per language (en, es, fr, ar, ru).
// - playbook_steps: id, playbook_id, position (1, 2, 3… within the playbook), required (1: a
//   case is not resolved or closed while its task is open, unless a coordinator overrides),
//   due_minutes (when its task falls due, in minutes after the playbook is applied; null: no
//   due time), created_at, updated_at. A step goes with its playbook.
// - playbook_step_texts: a step's title and guidance per language. Operational text written by
//   coordinators, never requester content: stored as plain text.
// - case_playbooks: which playbook was applied to which case, when and by whom. Its primary key
//   (case_id, playbook_id) is what makes applying the same playbook twice impossible, even from
//   two processes at once.
// - case_tasks: one task per step applied: the case, the playbook and step it came from (the step
//   may be removed later: no reference), position, a snapshot of the title in the language it
//   was applied in (title_language), required, assignee_id, due_at, done_at and done_by.
//   case_tasks_case (case_id, required, done_at) answers the queue's per-case counts for a page
//   of cases from the index alone, and the status guard's count of required open tasks.
//
// Seeded with playbooks for the Digital First Aid Kit topics the helpline sees most (lost
// device, lost account access, suspicious messages, website down, doxing, online harassment, a
// device acting suspiciously), each step titled and explained in five languages.

const SEEDED_AT = Date.UTC(2026, 11, 7);

type Lang = 'en' | 'es' | 'fr' | 'ar' | 'ru';
type Texts<T> = Record<Lang, T>;

interface StepSeed {
  required: boolean;
  dueMinutes: number | null;
  /** Title and guidance per language. */
  texts: Texts<[string, string]>;
}

interface PlaybookSeed {
  id: string;
  incidentType: string;
  names: Texts<string>;
  steps: StepSeed[];
}

const H = 60;
const DAY = 24 * H;
const step = (required: boolean, dueMinutes: number | null, texts: Texts<[string, string]>): StepSeed => ({ required, dueMinutes, texts });

const LOST_DEVICE: PlaybookSeed = {
  id: 'lost-device',
  incidentType: 'device_lost',
  names: {
    en: 'Lost, stolen or seized device',
    es: 'Dispositivo perdido, robado o incautado',
    fr: 'Appareil perdu, volé ou saisi',
    ar: 'جهاز مفقود أو مسروق أو مُصادَر',
    ru: 'Потерянное, украденное или изъятое устройство',
  },
  steps: [
    step(true, H, {
      en: ['Check the person is safe and how the device was lost', 'Ask whether the person is safe now and whether the device was lost, stolen or seized by authorities. A seizure changes the advice: legal support, and who else may be at risk from what the device holds.'],
      es: ['Comprobar que la persona está a salvo y cómo perdió el dispositivo', 'Pregunta si la persona está a salvo ahora y si el dispositivo se perdió, fue robado o lo incautaron las autoridades. Una incautación cambia el consejo: apoyo legal, y quién más puede estar en riesgo por lo que contiene el dispositivo.'],
      fr: ['Vérifier que la personne est en sécurité et comment l’appareil a été perdu', 'Demandez si la personne est en sécurité maintenant et si l’appareil a été perdu, volé ou saisi par les autorités. Une saisie change les conseils : soutien juridique, et qui d’autre peut être en danger à cause de ce que contient l’appareil.'],
      ar: ['التأكد من سلامة الشخص ومعرفة كيف فُقد الجهاز', 'اسأل إن كان الشخص في أمان الآن، وهل فُقد الجهاز أم سُرق أم صادرته السلطات. المصادرة تغيّر النصيحة: الدعم القانوني، ومن غيره قد يتعرض للخطر بسبب ما يحتويه الجهاز.'],
      ru: ['Убедиться, что человек в безопасности, и выяснить, как пропало устройство', 'Спросите, в безопасности ли человек сейчас и было ли устройство потеряно, украдено или изъято властями. Изъятие меняет советы: юридическая помощь и кто ещё может оказаться под угрозой из-за данных на устройстве.'],
    }),
    step(true, 2 * H, {
      en: ['Sign the device out of accounts and change passwords', 'From another trusted device, end the lost device’s sessions in email, messaging and social media (their “active sessions” pages), change those passwords, and remove the device as a second factor.'],
      es: ['Cerrar las sesiones del dispositivo y cambiar las contraseñas', 'Desde otro dispositivo de confianza, cierra las sesiones del dispositivo perdido en el correo, la mensajería y las redes sociales (sus páginas de «sesiones activas»), cambia esas contraseñas y quita el dispositivo como segundo factor.'],
      fr: ['Déconnecter l’appareil des comptes et changer les mots de passe', 'Depuis un autre appareil de confiance, fermez les sessions de l’appareil perdu dans la messagerie, les applications de discussion et les réseaux sociaux (leurs pages « sessions actives »), changez ces mots de passe et retirez l’appareil comme second facteur.'],
      ar: ['إخراج الجهاز من الحسابات وتغيير كلمات المرور', 'من جهاز آخر موثوق، أنهِ جلسات الجهاز المفقود في البريد وتطبيقات المراسلة ووسائل التواصل (صفحات «الجلسات النشطة»)، وغيّر كلمات المرور تلك، وأزل الجهاز كعامل تحقق ثانٍ.'],
      ru: ['Выйти из аккаунтов на устройстве и сменить пароли', 'С другого надёжного устройства завершите сеансы потерянного устройства в почте, мессенджерах и соцсетях (страницы «активные сеансы»), смените эти пароли и удалите устройство из вторых факторов входа.'],
    }),
    step(false, 4 * H, {
      en: ['Lock or wipe the device remotely', 'If the device can be located (Find My Device, Find My iPhone), lock it and show a contact message. Wipe it only once the person agrees: wiping also removes evidence and the chance to find it.'],
      es: ['Bloquear o borrar el dispositivo a distancia', 'Si el dispositivo se puede localizar (Encontrar mi dispositivo, Buscar mi iPhone), bloquéalo y muestra un mensaje de contacto. Bórralo solo cuando la persona esté de acuerdo: borrar elimina también las pruebas y la posibilidad de encontrarlo.'],
      fr: ['Verrouiller ou effacer l’appareil à distance', 'Si l’appareil peut être localisé (Localiser mon appareil, Localiser mon iPhone), verrouillez-le et affichez un message de contact. Ne l’effacez qu’avec l’accord de la personne : l’effacement supprime aussi les preuves et la possibilité de le retrouver.'],
      ar: ['قفل الجهاز أو مسحه عن بُعد', 'إذا أمكن تحديد موقع الجهاز (العثور على جهازي، تحديد موقع iPhone)، فاقفله واعرض رسالة للتواصل. لا تمسحه إلا بموافقة الشخص: المسح يزيل الأدلة أيضًا وفرصة العثور عليه.'],
      ru: ['Заблокировать или стереть устройство удалённо', 'Если устройство можно найти («Найти устройство», «Локатор»), заблокируйте его и выведите сообщение для связи. Стирайте данные только с согласия человека: это удаляет и улики, и возможность найти устройство.'],
    }),
    step(false, DAY, {
      en: ['Agree whom to warn', 'Whoever holds the device may read past messages and write as the person in groups. Agree with the person which contacts and groups to warn, and how.'],
      es: ['Acordar a quién avisar', 'Quien tenga el dispositivo puede leer los mensajes anteriores y escribir en grupos haciéndose pasar por la persona. Acuerda con ella a qué contactos y grupos avisar, y cómo.'],
      fr: ['Convenir de qui prévenir', 'Qui détient l’appareil peut lire les anciens messages et écrire dans des groupes au nom de la personne. Convenez avec elle des contacts et des groupes à prévenir, et de la manière.'],
      ar: ['الاتفاق على من يجب تحذيره', 'من يحوز الجهاز قد يقرأ الرسائل السابقة ويكتب في المجموعات باسم الشخص. اتفق معه على جهات الاتصال والمجموعات التي يجب تحذيرها، وكيف.'],
      ru: ['Договориться, кого предупредить', 'Тот, у кого устройство, может читать прошлые сообщения и писать в группы от имени человека. Договоритесь с ним, каких знакомых и какие группы предупредить и как.'],
    }),
    step(false, 3 * DAY, {
      en: ['Set up a replacement safely', 'Help set up the new device with encryption, a strong screen lock and updates, and restore only from a backup made before the loss. The emergency fund can cover replacing seized, lost or stolen hardware.'],
      es: ['Configurar un reemplazo de forma segura', 'Ayuda a configurar el nuevo dispositivo con cifrado, un bloqueo de pantalla fuerte y actualizaciones, y restaura solo desde una copia hecha antes de la pérdida. El fondo de emergencia puede cubrir el reemplazo de equipos incautados, perdidos o robados.'],
      fr: ['Installer un appareil de remplacement en sécurité', 'Aidez à configurer le nouvel appareil avec le chiffrement, un verrouillage d’écran solide et les mises à jour, et ne restaurez qu’une sauvegarde antérieure à la perte. Le fonds d’urgence peut couvrir le remplacement d’un matériel saisi, perdu ou volé.'],
      ar: ['تجهيز جهاز بديل بأمان', 'ساعد في إعداد الجهاز الجديد مع التشفير وقفل شاشة قوي والتحديثات، ولا تسترجع إلا من نسخة احتياطية أُعدّت قبل الفقدان. يمكن لصندوق الطوارئ تغطية استبدال الأجهزة المصادرة أو المفقودة أو المسروقة.'],
      ru: ['Безопасно настроить замену', 'Помогите настроить новое устройство с шифрованием, надёжной блокировкой экрана и обновлениями; восстанавливайте только из резервной копии, сделанной до потери. Экстренный фонд может оплатить замену изъятого, потерянного или украденного оборудования.'],
    }),
  ],
};

const ACCOUNT_TAKEOVER: PlaybookSeed = {
  id: 'account-takeover',
  incidentType: 'account_access',
  names: {
    en: 'Lost account access or account takeover',
    es: 'Pérdida de acceso o toma de control de una cuenta',
    fr: 'Accès à un compte perdu ou compte piraté',
    ar: 'فقدان الوصول إلى حساب أو الاستيلاء عليه',
    ru: 'Потерян доступ к аккаунту или аккаунт захвачен',
  },
  steps: [
    step(true, H, {
      en: ['Find out which accounts and what access remains', 'Which service, which account, and can the person still sign in anywhere (a phone still signed in, a recovery email or number)? Ask whether anyone else may have had the password or the device.'],
      es: ['Averiguar qué cuentas están afectadas y qué acceso queda', '¿Qué servicio, qué cuenta, y puede la persona entrar todavía desde algún sitio (un teléfono con la sesión abierta, un correo o número de recuperación)? Pregunta si alguien más pudo tener la contraseña o el dispositivo.'],
      fr: ['Identifier les comptes touchés et l’accès qui reste', 'Quel service, quel compte, et la personne peut-elle encore se connecter quelque part (un téléphone encore connecté, une adresse ou un numéro de récupération) ? Demandez si quelqu’un d’autre a pu avoir le mot de passe ou l’appareil.'],
      ar: ['معرفة الحسابات المتأثرة وما تبقى من وصول', 'أي خدمة وأي حساب، وهل ما زال بإمكان الشخص الدخول من مكان ما (هاتف ما زال متصلًا، بريد أو رقم للاسترداد)؟ اسأل إن كان شخص آخر قد عرف كلمة المرور أو حاز الجهاز.'],
      ru: ['Выяснить, какие аккаунты затронуты и какой доступ остался', 'Какой сервис, какой аккаунт, и может ли человек ещё где-то войти (телефон с открытым сеансом, резервная почта или номер)? Спросите, мог ли кто-то ещё знать пароль или иметь доступ к устройству.'],
    }),
    step(true, 4 * H, {
      en: ['Recover the account through the official process', 'Use only the service’s own recovery pages, or a platform escalation channel for civil society where the helpline has one. Warn the person about fake “recovery services” that ask for money or passwords.'],
      es: ['Recuperar la cuenta por el proceso oficial', 'Usa solo las páginas de recuperación del propio servicio, o un canal de escalamiento de la plataforma para la sociedad civil si la línea de ayuda lo tiene. Advierte a la persona sobre falsos «servicios de recuperación» que piden dinero o contraseñas.'],
      fr: ['Récupérer le compte par la procédure officielle', 'N’utilisez que les pages de récupération du service lui-même, ou un canal d’escalade de la plateforme pour la société civile si la ligne d’assistance en a un. Mettez la personne en garde contre les faux « services de récupération » qui demandent de l’argent ou des mots de passe.'],
      ar: ['استرداد الحساب عبر الإجراء الرسمي', 'استخدم فقط صفحات الاسترداد الخاصة بالخدمة نفسها، أو قناة تصعيد المنصة للمجتمع المدني إن كانت لدى خط المساعدة. حذّر الشخص من «خدمات الاسترداد» المزيفة التي تطلب المال أو كلمات المرور.'],
      ru: ['Восстановить аккаунт через официальную процедуру', 'Используйте только страницы восстановления самого сервиса или канал эскалации платформы для гражданского общества, если он есть у линии помощи. Предупредите человека о поддельных «службах восстановления», которые просят деньги или пароли.'],
    }),
    step(true, 8 * H, {
      en: ['Secure the account', 'Set a new, unique password (a password manager helps), sign out every other session, and turn on a second factor, an authenticator app or a security key rather than SMS where possible.'],
      es: ['Proteger la cuenta', 'Pon una contraseña nueva y única (un gestor de contraseñas ayuda), cierra todas las demás sesiones y activa un segundo factor, mejor una aplicación de autenticación o una llave de seguridad que un SMS.'],
      fr: ['Sécuriser le compte', 'Définissez un mot de passe nouveau et unique (un gestionnaire de mots de passe aide), fermez toutes les autres sessions et activez un second facteur, de préférence une application d’authentification ou une clé de sécurité plutôt qu’un SMS.'],
      ar: ['تأمين الحساب', 'ضع كلمة مرور جديدة وفريدة (مدير كلمات المرور يساعد)، وأنهِ كل الجلسات الأخرى، وفعّل عامل تحقق ثانيًا، ويُفضَّل تطبيق مصادقة أو مفتاح أمان بدل الرسائل القصيرة.'],
      ru: ['Защитить аккаунт', 'Задайте новый уникальный пароль (поможет менеджер паролей), завершите все остальные сеансы и включите второй фактор — лучше приложение-аутентификатор или ключ безопасности, чем SMS.'],
    }),
    step(false, DAY, {
      en: ['Undo what the intruder changed', 'Check forwarding and filter rules, recovery email and phone, connected apps, new admins of pages and groups, and anything posted or sent in the person’s name.'],
      es: ['Deshacer lo que cambió el intruso', 'Revisa las reglas de reenvío y filtros, el correo y el teléfono de recuperación, las aplicaciones conectadas, los nuevos administradores de páginas y grupos, y todo lo publicado o enviado en nombre de la persona.'],
      fr: ['Défaire ce que l’intrus a changé', 'Vérifiez les règles de transfert et les filtres, l’adresse et le téléphone de récupération, les applications connectées, les nouveaux administrateurs de pages et de groupes, et tout ce qui a été publié ou envoyé au nom de la personne.'],
      ar: ['التراجع عمّا غيّره المتسلل', 'افحص قواعد إعادة التوجيه والتصفية، والبريد والهاتف المخصصين للاسترداد، والتطبيقات المتصلة، والمشرفين الجدد على الصفحات والمجموعات، وكل ما نُشر أو أُرسل باسم الشخص.'],
      ru: ['Отменить изменения злоумышленника', 'Проверьте правила пересылки и фильтры, резервную почту и телефон, подключённые приложения, новых администраторов страниц и групп, а также всё, что было опубликовано или отправлено от имени человека.'],
    }),
    step(false, 2 * DAY, {
      en: ['Find out how it happened', 'A phishing message, a reused password or malware? If the cause is unclear, check the devices the person signs in from before they sign in again.'],
      es: ['Averiguar cómo ocurrió', '¿Un mensaje de phishing, una contraseña reutilizada o malware? Si la causa no está clara, revisa los dispositivos desde los que entra la persona antes de que vuelva a iniciar sesión.'],
      fr: ['Comprendre comment c’est arrivé', 'Un message d’hameçonnage, un mot de passe réutilisé ou un logiciel malveillant ? Si la cause n’est pas claire, vérifiez les appareils depuis lesquels la personne se connecte avant qu’elle ne se reconnecte.'],
      ar: ['معرفة كيف حدث ذلك', 'رسالة تصيّد، أم كلمة مرور مكررة، أم برمجية خبيثة؟ إذا لم يكن السبب واضحًا، افحص الأجهزة التي يدخل منها الشخص قبل أن يعود إلى تسجيل الدخول.'],
      ru: ['Выяснить, как это произошло', 'Фишинговое сообщение, повторно использованный пароль или вредоносная программа? Если причина неясна, проверьте устройства, с которых человек входит, прежде чем он войдёт снова.'],
    }),
  ],
};

const SUSPICIOUS_MESSAGE: PlaybookSeed = {
  id: 'suspicious-message',
  incidentType: 'suspicious_message',
  names: {
    en: 'Suspicious message or phishing',
    es: 'Mensaje sospechoso o phishing',
    fr: 'Message suspect ou hameçonnage',
    ar: 'رسالة مريبة أو تصيّد احتيالي',
    ru: 'Подозрительное сообщение или фишинг',
  },
  steps: [
    step(true, H, {
      en: ['Ask the person not to open, click or reply', 'Ask them to keep the message but not open its links or attachments, and not to reply or forward it to others. Ask whether they already clicked, opened a file or typed a password.'],
      es: ['Pedir a la persona que no abra, no haga clic ni responda', 'Pídele que conserve el mensaje pero no abra sus enlaces ni adjuntos, y que no responda ni lo reenvíe a otras personas. Pregunta si ya hizo clic, abrió un archivo o escribió una contraseña.'],
      fr: ['Demander à la personne de ne rien ouvrir, cliquer ni répondre', 'Demandez-lui de garder le message sans ouvrir ses liens ni ses pièces jointes, et de ne pas répondre ni le transférer à d’autres. Demandez si elle a déjà cliqué, ouvert un fichier ou saisi un mot de passe.'],
      ar: ['الطلب من الشخص ألا يفتح أو ينقر أو يرد', 'اطلب منه الاحتفاظ بالرسالة دون فتح روابطها أو مرفقاتها، وألا يرد عليها أو يعيد توجيهها إلى آخرين. اسأله إن كان قد نقر بالفعل أو فتح ملفًا أو كتب كلمة مرور.'],
      ru: ['Попросить человека ничего не открывать, не нажимать и не отвечать', 'Попросите сохранить сообщение, но не открывать ссылки и вложения, не отвечать и не пересылать его другим. Спросите, не нажимал ли он уже ссылку, не открывал ли файл и не вводил ли пароль.'],
    }),
    step(true, 4 * H, {
      en: ['If a link was followed: change the password and end sessions', 'If the person entered a password or opened an attachment, treat the account as taken over: change the password from a clean device, sign out other sessions, check the second factor, and consider checking the device.'],
      es: ['Si se abrió el enlace: cambiar la contraseña y cerrar sesiones', 'Si la persona escribió una contraseña o abrió un adjunto, trata la cuenta como tomada: cambia la contraseña desde un dispositivo limpio, cierra las demás sesiones, revisa el segundo factor y considera revisar el dispositivo.'],
      fr: ['Si un lien a été suivi : changer le mot de passe et fermer les sessions', 'Si la personne a saisi un mot de passe ou ouvert une pièce jointe, considérez le compte comme piraté : changez le mot de passe depuis un appareil sain, fermez les autres sessions, vérifiez le second facteur et envisagez de vérifier l’appareil.'],
      ar: ['إذا فُتح الرابط: تغيير كلمة المرور وإنهاء الجلسات', 'إذا كتب الشخص كلمة مرور أو فتح مرفقًا، فتعامل مع الحساب كأنه مُستولى عليه: غيّر كلمة المرور من جهاز سليم، وأنهِ الجلسات الأخرى، وافحص عامل التحقق الثاني، وفكّر في فحص الجهاز.'],
      ru: ['Если ссылку открыли: сменить пароль и завершить сеансы', 'Если человек ввёл пароль или открыл вложение, считайте аккаунт захваченным: смените пароль с чистого устройства, завершите другие сеансы, проверьте второй фактор и подумайте о проверке устройства.'],
    }),
    step(false, 4 * H, {
      en: ['Collect the message safely', 'Ask for the message forwarded as an attachment (with its headers) or for screenshots that show the sender and links. Open nothing on your own working device; use an isolated environment.'],
      es: ['Recoger el mensaje de forma segura', 'Pide el mensaje reenviado como adjunto (con sus cabeceras) o capturas de pantalla que muestren el remitente y los enlaces. No abras nada en tu propio dispositivo de trabajo; usa un entorno aislado.'],
      fr: ['Recueillir le message en sécurité', 'Demandez le message transféré en pièce jointe (avec ses en-têtes) ou des captures d’écran montrant l’expéditeur et les liens. N’ouvrez rien sur votre propre appareil de travail ; utilisez un environnement isolé.'],
      ar: ['جمع الرسالة بأمان', 'اطلب الرسالة مُعاد توجيهها كمرفق (مع ترويساتها) أو لقطات شاشة تُظهر المرسل والروابط. لا تفتح شيئًا على جهاز عملك؛ استخدم بيئة معزولة.'],
      ru: ['Безопасно получить сообщение', 'Попросите переслать сообщение вложением (с заголовками) или прислать снимки экрана с отправителем и ссылками. Ничего не открывайте на своём рабочем устройстве; используйте изолированную среду.'],
    }),
    step(true, DAY, {
      en: ['Analyse the links and attachments', 'Check where the links lead and what the attachments are, without running them. Decide whether it is ordinary spam, phishing, or a targeted attack, and tell the person what it was.'],
      es: ['Analizar los enlaces y adjuntos', 'Comprueba adónde llevan los enlaces y qué son los adjuntos, sin ejecutarlos. Decide si es spam corriente, phishing o un ataque dirigido, y dile a la persona qué era.'],
      fr: ['Analyser les liens et les pièces jointes', 'Vérifiez où mènent les liens et ce que sont les pièces jointes, sans les exécuter. Déterminez s’il s’agit de spam ordinaire, d’hameçonnage ou d’une attaque ciblée, et dites à la personne ce que c’était.'],
      ar: ['تحليل الروابط والمرفقات', 'تحقق إلى أين تقود الروابط وما هي المرفقات دون تشغيلها. حدّد إن كانت رسالة مزعجة عادية أم تصيّدًا أم هجومًا موجّهًا، وأخبر الشخص بما كانت.'],
      ru: ['Проанализировать ссылки и вложения', 'Проверьте, куда ведут ссылки и что представляют собой вложения, не запуская их. Определите, обычный ли это спам, фишинг или целевая атака, и сообщите человеку результат.'],
    }),
    step(false, 2 * DAY, {
      en: ['Share indicators with peers', 'If the attack is targeted, share its indicators (domains, addresses, file hashes) with peers such as the CiviCERT network, with a TLP label, and never anything that identifies the person.'],
      es: ['Compartir indicadores con pares', 'Si el ataque es dirigido, comparte sus indicadores (dominios, direcciones, hashes de archivos) con pares como la red CiviCERT, con una etiqueta TLP, y nunca nada que identifique a la persona.'],
      fr: ['Partager les indicateurs avec les pairs', 'Si l’attaque est ciblée, partagez ses indicateurs (domaines, adresses, empreintes de fichiers) avec des pairs comme le réseau CiviCERT, avec une étiquette TLP, et jamais rien qui identifie la personne.'],
      ar: ['مشاركة المؤشرات مع النظراء', 'إذا كان الهجوم موجّهًا، فشارك مؤشراته (النطاقات والعناوين وبصمات الملفات) مع نظراء مثل شبكة CiviCERT، مع وسم TLP، ولا تشارك أبدًا ما يكشف هوية الشخص.'],
      ru: ['Поделиться индикаторами с коллегами', 'Если атака целевая, передайте её индикаторы (домены, адреса, хеши файлов) коллегам, например сети CiviCERT, с меткой TLP — и никогда ничего, что выдаёт человека.'],
    }),
  ],
};

const WEBSITE_DOWN: PlaybookSeed = {
  id: 'website-down',
  incidentType: 'website_down',
  names: {
    en: 'Website down or under attack (DDoS)',
    es: 'Sitio web caído o bajo ataque (DDoS)',
    fr: 'Site web inaccessible ou attaqué (DDoS)',
    ar: 'موقع إلكتروني معطل أو تحت الهجوم (DDoS)',
    ru: 'Сайт недоступен или под атакой (DDoS)',
  },
  steps: [
    step(true, 2 * H, {
      en: ['Confirm the outage and where it is seen', 'Check the site from several networks and countries. Down everywhere points to the server or an attack; down in one country only points to blocking, which needs circumvention instead.'],
      es: ['Confirmar la caída y dónde se ve', 'Comprueba el sitio desde varias redes y países. Caído en todas partes apunta al servidor o a un ataque; caído solo en un país apunta a un bloqueo, que requiere medidas de elusión.'],
      fr: ['Confirmer la panne et où elle est constatée', 'Vérifiez le site depuis plusieurs réseaux et pays. Inaccessible partout : le serveur ou une attaque ; inaccessible dans un seul pays : un blocage, qui demande plutôt du contournement.'],
      ar: ['التأكد من التعطل وأين يُلاحظ', 'افحص الموقع من عدة شبكات ودول. التعطل في كل مكان يشير إلى الخادم أو إلى هجوم؛ والتعطل في بلد واحد فقط يشير إلى حجب، وعلاجه التحايل على الحجب.'],
      ru: ['Подтвердить сбой и где он виден', 'Проверьте сайт из нескольких сетей и стран. Недоступен везде — проблема сервера или атака; недоступен только в одной стране — блокировка, и нужен обход.'],
    }),
    step(true, 4 * H, {
      en: ['Contact the hosting provider', 'Ask the host what they see (traffic, errors, a suspended account) and whether they can absorb or filter the traffic. Keep their answers for the case.'],
      es: ['Contactar al proveedor de alojamiento', 'Pregunta al proveedor qué observa (tráfico, errores, una cuenta suspendida) y si puede absorber o filtrar el tráfico. Guarda sus respuestas para el caso.'],
      fr: ['Contacter l’hébergeur', 'Demandez à l’hébergeur ce qu’il constate (trafic, erreurs, compte suspendu) et s’il peut absorber ou filtrer le trafic. Gardez ses réponses pour le dossier.'],
      ar: ['التواصل مع مزوّد الاستضافة', 'اسأل المزوّد عمّا يراه (حركة المرور، الأخطاء، حساب موقوف) وهل يستطيع استيعاب الحركة أو تصفيتها. احتفظ بإجاباته للحالة.'],
      ru: ['Связаться с хостинг-провайдером', 'Спросите у хостинга, что он видит (трафик, ошибки, заблокированный аккаунт) и может ли он выдержать или отфильтровать трафик. Сохраните ответы для обращения.'],
    }),
    step(false, DAY, {
      en: ['Put the site behind DDoS protection', 'Offer a protection service free for civil society (such as Deflect or Project Shield) and help move the site’s DNS to it.'],
      es: ['Poner el sitio tras una protección contra DDoS', 'Ofrece un servicio de protección gratuito para la sociedad civil (como Deflect o Project Shield) y ayuda a trasladar a él el DNS del sitio.'],
      fr: ['Placer le site derrière une protection anti-DDoS', 'Proposez un service de protection gratuit pour la société civile (comme Deflect ou Project Shield) et aidez à y faire pointer le DNS du site.'],
      ar: ['وضع الموقع خلف حماية من هجمات DDoS', 'اقترح خدمة حماية مجانية للمجتمع المدني (مثل Deflect أو Project Shield) وساعد في نقل نظام أسماء النطاقات للموقع إليها.'],
      ru: ['Подключить защиту от DDoS', 'Предложите бесплатный для гражданского общества сервис защиты (например, Deflect или Project Shield) и помогите перевести на него DNS сайта.'],
    }),
    step(false, DAY, {
      en: ['Check the site was not broken into', 'Look for defacement, new administrator accounts and changed files; update the CMS and its plugins, and change the hosting and administrator passwords.'],
      es: ['Comprobar que no entraron en el sitio', 'Busca desfiguraciones, cuentas de administración nuevas y archivos modificados; actualiza el CMS y sus complementos, y cambia las contraseñas del alojamiento y de administración.'],
      fr: ['Vérifier que le site n’a pas été piraté', 'Cherchez une défiguration, de nouveaux comptes d’administration et des fichiers modifiés ; mettez à jour le CMS et ses extensions, et changez les mots de passe de l’hébergement et d’administration.'],
      ar: ['التحقق من عدم اختراق الموقع', 'ابحث عن تشويه للواجهة وحسابات إدارة جديدة وملفات معدّلة؛ حدّث نظام إدارة المحتوى وإضافاته، وغيّر كلمات مرور الاستضافة والإدارة.'],
      ru: ['Проверить, не взломан ли сайт', 'Ищите дефейс, новые учётные записи администраторов и изменённые файлы; обновите CMS и плагины, смените пароли хостинга и администраторов.'],
    }),
    step(false, 3 * DAY, {
      en: ['Restore and set up regular backups', 'Restore from the last clean backup if needed, and set up automatic backups kept away from the server, so the next outage is shorter.'],
      es: ['Restaurar y programar copias de seguridad', 'Restaura desde la última copia limpia si hace falta, y configura copias automáticas guardadas fuera del servidor, para que la próxima caída sea más corta.'],
      fr: ['Restaurer et mettre en place des sauvegardes régulières', 'Restaurez la dernière sauvegarde saine si besoin, et mettez en place des sauvegardes automatiques conservées hors du serveur, pour que la prochaine panne soit plus courte.'],
      ar: ['الاسترجاع وإعداد نسخ احتياطية منتظمة', 'استرجع من آخر نسخة احتياطية سليمة إن لزم الأمر، وأعدّ نسخًا احتياطية تلقائية تُحفظ بعيدًا عن الخادم، حتى يكون التعطل القادم أقصر.'],
      ru: ['Восстановить сайт и настроить резервное копирование', 'При необходимости восстановите сайт из последней чистой копии и настройте автоматические резервные копии вне сервера, чтобы следующий сбой был короче.'],
    }),
  ],
};

const DOXING: PlaybookSeed = {
  id: 'doxing',
  incidentType: 'doxing',
  names: {
    en: 'Doxing: personal information exposed',
    es: 'Doxing: datos personales expuestos',
    fr: 'Doxing : informations personnelles exposées',
    ar: 'كشف المعلومات الشخصية (doxing)',
    ru: 'Доксинг: раскрыты личные данные',
  },
  steps: [
    step(true, H, {
      en: ['Assess the physical risk first', 'Was a home address, a workplace or a family member exposed? Are there threats? If the person may be in danger, plan physical-security measures first; the emergency fund can cover those tied to information security.'],
      es: ['Evaluar primero el riesgo físico', '¿Se expuso un domicilio, un lugar de trabajo o un familiar? ¿Hay amenazas? Si la persona puede estar en peligro, planifica primero medidas de seguridad física; el fondo de emergencia puede cubrir las ligadas a la seguridad de la información.'],
      fr: ['Évaluer d’abord le risque physique', 'Une adresse personnelle, un lieu de travail ou un proche ont-ils été exposés ? Y a-t-il des menaces ? Si la personne peut être en danger, prévoyez d’abord des mesures de sécurité physique ; le fonds d’urgence peut couvrir celles liées à la sécurité de l’information.'],
      ar: ['تقييم الخطر الجسدي أولًا', 'هل كُشف عنوان منزل أو مكان عمل أو فرد من العائلة؟ هل هناك تهديدات؟ إذا كان الشخص قد يكون في خطر، فخطّط لتدابير الأمان الجسدي أولًا؛ يمكن لصندوق الطوارئ تغطية ما يرتبط منها بأمن المعلومات.'],
      ru: ['Сначала оценить физический риск', 'Раскрыт ли домашний адрес, место работы или кто-то из семьи? Есть ли угрозы? Если человеку может грозить опасность, сначала спланируйте меры физической безопасности; экстренный фонд может покрыть те, что связаны с информационной безопасностью.'],
    }),
    step(true, 4 * H, {
      en: ['Document what was published', 'Keep screenshots that show the address, date and account, and archived copies, stored safely. They are needed for takedown requests and any legal action; the person should not have to look at them again.'],
      es: ['Documentar lo que se publicó', 'Guarda capturas de pantalla que muestren la dirección web, la fecha y la cuenta, y copias archivadas, en un lugar seguro. Se necesitan para pedir la retirada y para cualquier acción legal; la persona no debería tener que volver a verlas.'],
      fr: ['Documenter ce qui a été publié', 'Conservez en lieu sûr des captures d’écran montrant l’adresse, la date et le compte, ainsi que des copies archivées. Elles servent aux demandes de retrait et à toute action en justice ; la personne ne devrait pas avoir à les revoir.'],
      ar: ['توثيق ما نُشر', 'احتفظ في مكان آمن بلقطات شاشة تُظهر العنوان والتاريخ والحساب، وبنسخ مؤرشفة. فهي لازمة لطلبات الإزالة وأي إجراء قانوني؛ ولا ينبغي أن يضطر الشخص إلى رؤيتها مجددًا.'],
      ru: ['Задокументировать опубликованное', 'Сохраните в надёжном месте снимки экрана с адресом страницы, датой и аккаунтом, а также архивные копии. Они нужны для запросов на удаление и возможных судебных действий; человеку не следует снова на них смотреть.'],
    }),
    step(true, DAY, {
      en: ['Request removal', 'Report the posts to each platform under its privacy or doxing rules, use escalation channels where the helpline has them, and ask search engines to remove results showing personal contact details.'],
      es: ['Solicitar la retirada', 'Denuncia las publicaciones en cada plataforma según sus normas de privacidad o doxing, usa los canales de escalamiento que tenga la línea de ayuda y pide a los buscadores que retiren los resultados con datos de contacto personales.'],
      fr: ['Demander le retrait', 'Signalez les publications à chaque plateforme selon ses règles sur la vie privée ou le doxing, utilisez les canaux d’escalade dont dispose la ligne d’assistance, et demandez aux moteurs de recherche de retirer les résultats montrant des coordonnées personnelles.'],
      ar: ['طلب الإزالة', 'أبلغ كل منصة عن المنشورات وفق قواعدها بشأن الخصوصية أو كشف المعلومات، واستخدم قنوات التصعيد المتاحة لخط المساعدة، واطلب من محركات البحث إزالة النتائج التي تُظهر بيانات الاتصال الشخصية.'],
      ru: ['Добиться удаления', 'Пожалуйтесь на публикации каждой платформе по её правилам о приватности или доксинге, используйте каналы эскалации линии помощи и попросите поисковики удалить результаты с личными контактными данными.'],
    }),
    step(false, 3 * DAY, {
      en: ['Reduce what else can be found', 'Search for the person’s name, usernames and phone number together with them; tighten privacy settings and remove old profiles and data-broker listings.'],
      es: ['Reducir lo que aún se puede encontrar', 'Busca junto con la persona su nombre, sus nombres de usuario y su teléfono; refuerza la configuración de privacidad y elimina perfiles antiguos y fichas de corredores de datos.'],
      fr: ['Réduire ce qui peut encore être trouvé', 'Recherchez avec la personne son nom, ses pseudonymes et son numéro de téléphone ; renforcez les paramètres de confidentialité et supprimez les anciens profils et les fiches des courtiers en données.'],
      ar: ['تقليل ما يمكن العثور عليه', 'ابحث مع الشخص عن اسمه وأسماء المستخدم ورقم هاتفه؛ شدّد إعدادات الخصوصية واحذف الملفات الشخصية القديمة وقوائم وسطاء البيانات.'],
      ru: ['Сократить то, что ещё можно найти', 'Вместе с человеком поищите его имя, никнеймы и номер телефона; ужесточите настройки приватности, удалите старые профили и записи у брокеров данных.'],
    }),
    step(false, DAY, {
      en: ['Offer psychosocial support', 'Being exposed is frightening. Ask how the person is coping and offer psychosocial support or a referral; the emergency fund can cover it.'],
      es: ['Ofrecer apoyo psicosocial', 'Verse expuesta da miedo. Pregunta cómo lo está llevando la persona y ofrece apoyo psicosocial o una derivación; el fondo de emergencia puede cubrirlo.'],
      fr: ['Proposer un soutien psychosocial', 'Être exposé fait peur. Demandez comment la personne fait face et proposez un soutien psychosocial ou une orientation ; le fonds d’urgence peut le couvrir.'],
      ar: ['عرض الدعم النفسي والاجتماعي', 'التعرّض للكشف أمر مخيف. اسأل الشخص كيف يتعامل مع الأمر واعرض دعمًا نفسيًا واجتماعيًا أو إحالة؛ يمكن لصندوق الطوارئ تغطيته.'],
      ru: ['Предложить психосоциальную поддержку', 'Раскрытие личных данных пугает. Спросите, как человек справляется, и предложите психосоциальную поддержку или направление к специалистам; экстренный фонд может её оплатить.'],
    }),
  ],
};

const HARASSMENT: PlaybookSeed = {
  id: 'online-harassment',
  incidentType: 'harassment',
  names: {
    en: 'Online harassment',
    es: 'Acoso en línea',
    fr: 'Harcèlement en ligne',
    ar: 'التحرش عبر الإنترنت',
    ru: 'Онлайн-преследование',
  },
  steps: [
    step(true, H, {
      en: ['Check safety and wellbeing', 'Ask whether threats go beyond words, whether the harassers know where the person lives or works, and how they are coping. Physical danger comes first.'],
      es: ['Comprobar la seguridad y el bienestar', 'Pregunta si las amenazas van más allá de las palabras, si quienes acosan saben dónde vive o trabaja la persona y cómo lo está llevando. El peligro físico va primero.'],
      fr: ['Vérifier la sécurité et le bien-être', 'Demandez si les menaces vont au-delà des mots, si les harceleurs savent où la personne vit ou travaille, et comment elle fait face. Le danger physique passe en premier.'],
      ar: ['التحقق من السلامة والحالة النفسية', 'اسأل إن كانت التهديدات تتجاوز الكلام، وهل يعرف المتحرشون أين يسكن الشخص أو يعمل، وكيف يتعامل مع الأمر. الخطر الجسدي أولًا.'],
      ru: ['Проверить безопасность и самочувствие', 'Спросите, выходят ли угрозы за рамки слов, знают ли преследователи, где человек живёт или работает, и как он справляется. Физическая опасность — в первую очередь.'],
    }),
    step(true, DAY, {
      en: ['Document the harassment', 'Help keep a log with screenshots, addresses, dates and account names. A trusted person can keep it so the person does not have to read every message.'],
      es: ['Documentar el acoso', 'Ayuda a llevar un registro con capturas, direcciones web, fechas y nombres de cuentas. Una persona de confianza puede llevarlo para que la persona no tenga que leer cada mensaje.'],
      fr: ['Documenter le harcèlement', 'Aidez à tenir un journal avec captures d’écran, adresses, dates et noms de comptes. Une personne de confiance peut le tenir pour que la personne n’ait pas à lire chaque message.'],
      ar: ['توثيق التحرش', 'ساعد في الاحتفاظ بسجل يضم لقطات الشاشة والعناوين والتواريخ وأسماء الحسابات. يمكن لشخص موثوق أن يتولاه حتى لا يضطر الشخص إلى قراءة كل رسالة.'],
      ru: ['Задокументировать преследование', 'Помогите вести журнал со снимками экрана, адресами, датами и именами аккаунтов. Его может вести доверенное лицо, чтобы человеку не приходилось читать каждое сообщение.'],
    }),
    step(false, DAY, {
      en: ['Report, block and escalate', 'Report the accounts under each platform’s rules, block or mute them, and use the helpline’s escalation channels with platforms for coordinated campaigns.'],
      es: ['Denunciar, bloquear y escalar', 'Denuncia las cuentas según las normas de cada plataforma, bloquéalas o siléncialas, y usa los canales de escalamiento de la línea de ayuda con las plataformas en caso de campañas coordinadas.'],
      fr: ['Signaler, bloquer et escalader', 'Signalez les comptes selon les règles de chaque plateforme, bloquez-les ou masquez-les, et utilisez les canaux d’escalade de la ligne d’assistance auprès des plateformes en cas de campagne coordonnée.'],
      ar: ['الإبلاغ والحظر والتصعيد', 'أبلغ عن الحسابات وفق قواعد كل منصة، واحظرها أو اكتمها، واستخدم قنوات التصعيد لدى خط المساعدة مع المنصات في حال الحملات المنسقة.'],
      ru: ['Пожаловаться, заблокировать и эскалировать', 'Пожалуйтесь на аккаунты по правилам каждой платформы, заблокируйте их или скройте и используйте каналы эскалации линии помощи при скоординированных кампаниях.'],
    }),
    step(false, DAY, {
      en: ['Lock down accounts', 'Review privacy settings, limit who can reply, mention or message, turn on a second factor everywhere, and check nothing reveals a location.'],
      es: ['Proteger las cuentas', 'Revisa la configuración de privacidad, limita quién puede responder, mencionar o escribir, activa un segundo factor en todas partes y comprueba que nada revele una ubicación.'],
      fr: ['Verrouiller les comptes', 'Revoyez les paramètres de confidentialité, limitez qui peut répondre, mentionner ou écrire, activez un second facteur partout et vérifiez que rien ne révèle un lieu.'],
      ar: ['إحكام تأمين الحسابات', 'راجع إعدادات الخصوصية، وقيّد من يستطيع الرد أو الإشارة أو المراسلة، وفعّل عامل التحقق الثاني في كل مكان، وتأكد أن لا شيء يكشف موقعًا.'],
      ru: ['Закрыть аккаунты', 'Проверьте настройки приватности, ограничьте, кто может отвечать, упоминать и писать, включите второй фактор везде и убедитесь, что ничто не выдаёт местоположение.'],
    }),
    step(false, 3 * DAY, {
      en: ['Offer psychosocial and legal support', 'Offer psychosocial support and, where the person wants it, a referral to lawyers or to groups that document attacks on defenders and journalists.'],
      es: ['Ofrecer apoyo psicosocial y legal', 'Ofrece apoyo psicosocial y, si la persona lo desea, una derivación a abogados o a grupos que documentan ataques contra defensores y periodistas.'],
      fr: ['Proposer un soutien psychosocial et juridique', 'Proposez un soutien psychosocial et, si la personne le souhaite, une orientation vers des avocats ou des groupes qui documentent les attaques contre les défenseurs et les journalistes.'],
      ar: ['عرض الدعم النفسي والاجتماعي والقانوني', 'اعرض دعمًا نفسيًا واجتماعيًا، وإن رغب الشخص، إحالة إلى محامين أو إلى مجموعات توثّق الاعتداءات على المدافعين والصحفيين.'],
      ru: ['Предложить психосоциальную и юридическую помощь', 'Предложите психосоциальную поддержку и, если человек хочет, направление к юристам или организациям, которые документируют нападки на правозащитников и журналистов.'],
    }),
  ],
};

const SUSPICIOUS_DEVICE: PlaybookSeed = {
  id: 'suspicious-device',
  incidentType: 'device_suspicious',
  names: {
    en: 'Device acting suspiciously (malware, spyware)',
    es: 'Dispositivo con comportamiento sospechoso (malware, spyware)',
    fr: 'Appareil au comportement suspect (logiciel malveillant, espion)',
    ar: 'جهاز يتصرف بشكل مريب (برمجيات خبيثة أو تجسس)',
    ru: 'Устройство ведёт себя подозрительно (вредоносное или шпионское ПО)',
  },
  steps: [
    step(true, 2 * H, {
      en: ['Understand what the person noticed and their risk', 'What is the device doing, since when, and who might target the person? Journalists and defenders have been targeted with mercenary spyware; take the fear seriously.'],
      es: ['Entender qué notó la persona y su nivel de riesgo', '¿Qué hace el dispositivo, desde cuándo, y quién podría tener a la persona como objetivo? Periodistas y defensores han sido blanco de spyware mercenario; toma en serio el temor.'],
      fr: ['Comprendre ce que la personne a remarqué et son niveau de risque', 'Que fait l’appareil, depuis quand, et qui pourrait cibler la personne ? Des journalistes et des défenseurs ont été visés par des logiciels espions mercenaires ; prenez la crainte au sérieux.'],
      ar: ['فهم ما لاحظه الشخص ومستوى الخطر عليه', 'ماذا يفعل الجهاز، ومنذ متى، ومن قد يستهدف الشخص؟ استُهدف صحفيون ومدافعون ببرمجيات تجسس مرتزقة؛ خذ المخاوف على محمل الجد.'],
      ru: ['Понять, что заметил человек, и оценить риск', 'Что делает устройство, с каких пор и кто может преследовать человека? Журналистов и правозащитников атаковали наёмным шпионским ПО — отнеситесь к опасениям серьёзно.'],
    }),
    step(true, 4 * H, {
      en: ['Move sensitive communication off the device', 'Until it is checked, the person should use another, clean device for sensitive conversations, and keep the suspect device away from them.'],
      es: ['Sacar del dispositivo las comunicaciones sensibles', 'Hasta revisarlo, la persona debería usar otro dispositivo limpio para las conversaciones sensibles y mantener lejos de ellas el dispositivo sospechoso.'],
      fr: ['Éloigner les communications sensibles de l’appareil', 'En attendant la vérification, la personne devrait utiliser un autre appareil sain pour les conversations sensibles, et tenir l’appareil suspect à l’écart.'],
      ar: ['نقل الاتصالات الحساسة بعيدًا عن الجهاز', 'إلى أن يُفحص، ينبغي للشخص استخدام جهاز آخر سليم للمحادثات الحساسة، وإبعاد الجهاز المشتبه به عنها.'],
      ru: ['Убрать чувствительное общение с устройства', 'Пока устройство не проверено, человеку следует вести важные разговоры с другого, чистого устройства и держать подозрительное устройство подальше.'],
    }),
    step(true, 2 * DAY, {
      en: ['Check the device for compromise', 'Collect what a check needs before anything is reset. For phones, the Mobile Verification Toolkit (MVT) can check a backup against published indicators of compromise (STIX2).'],
      es: ['Revisar si el dispositivo está comprometido', 'Reúne lo que necesita la revisión antes de restablecer nada. Para teléfonos, Mobile Verification Toolkit (MVT) puede comparar una copia de seguridad con indicadores de compromiso publicados (STIX2).'],
      fr: ['Vérifier si l’appareil est compromis', 'Recueillez ce dont la vérification a besoin avant toute réinitialisation. Pour les téléphones, Mobile Verification Toolkit (MVT) peut comparer une sauvegarde à des indicateurs de compromission publiés (STIX2).'],
      ar: ['فحص الجهاز بحثًا عن اختراق', 'اجمع ما يحتاجه الفحص قبل إعادة ضبط أي شيء. بالنسبة للهواتف، يمكن لأداة Mobile Verification Toolkit (MVT) مقارنة نسخة احتياطية بمؤشرات الاختراق المنشورة (STIX2).'],
      ru: ['Проверить устройство на компрометацию', 'Соберите всё нужное для проверки до любого сброса. Для телефонов Mobile Verification Toolkit (MVT) сверяет резервную копию с опубликованными индикаторами компрометации (STIX2).'],
    }),
    step(false, 3 * DAY, {
      en: ['Clean or replace the device', 'Update the system, remove unknown apps and profiles, or reset it to factory settings once evidence is kept. If the device cannot be trusted, the emergency fund can cover more secure hardware.'],
      es: ['Limpiar o reemplazar el dispositivo', 'Actualiza el sistema, elimina aplicaciones y perfiles desconocidos, o restablécelo de fábrica una vez guardadas las pruebas. Si no se puede confiar en el dispositivo, el fondo de emergencia puede cubrir un equipo más seguro.'],
      fr: ['Nettoyer ou remplacer l’appareil', 'Mettez le système à jour, supprimez les applications et profils inconnus, ou réinitialisez-le une fois les preuves conservées. Si l’appareil n’est plus fiable, le fonds d’urgence peut couvrir un matériel plus sûr.'],
      ar: ['تنظيف الجهاز أو استبداله', 'حدّث النظام، واحذف التطبيقات وملفات التعريف المجهولة، أو أعد ضبط المصنع بعد حفظ الأدلة. إذا تعذّر الوثوق بالجهاز، يمكن لصندوق الطوارئ تغطية جهاز أكثر أمانًا.'],
      ru: ['Очистить или заменить устройство', 'Обновите систему, удалите неизвестные приложения и профили или сбросьте устройство к заводским настройкам, сохранив улики. Если устройству нельзя доверять, экстренный фонд может оплатить более защищённое оборудование.'],
    }),
    step(false, 7 * DAY, {
      en: ['Share findings with peers', 'If spyware is found, share its indicators in STIX 2.1 with trusted peers and researchers under a TLP label, never with anything that identifies the person without their consent.'],
      es: ['Compartir los hallazgos con pares', 'Si se encuentra spyware, comparte sus indicadores en STIX 2.1 con pares e investigadores de confianza bajo una etiqueta TLP, nunca con nada que identifique a la persona sin su consentimiento.'],
      fr: ['Partager les résultats avec les pairs', 'Si un logiciel espion est trouvé, partagez ses indicateurs en STIX 2.1 avec des pairs et des chercheurs de confiance sous une étiquette TLP, jamais avec ce qui identifie la personne sans son accord.'],
      ar: ['مشاركة النتائج مع النظراء', 'إذا عُثر على برمجية تجسس، فشارك مؤشراتها بصيغة STIX 2.1 مع نظراء وباحثين موثوقين تحت وسم TLP، ولا تشارك أبدًا ما يكشف هوية الشخص دون موافقته.'],
      ru: ['Поделиться результатами с коллегами', 'Если найдено шпионское ПО, передайте его индикаторы в формате STIX 2.1 доверенным коллегам и исследователям с меткой TLP — и никогда ничего, что выдаёт человека, без его согласия.'],
    }),
  ],
};

/** The seeded playbooks, in the order they are offered. */
export const SEEDED_PLAYBOOKS: readonly PlaybookSeed[] = [
  LOST_DEVICE,
  ACCOUNT_TAKEOVER,
  SUSPICIOUS_MESSAGE,
  WEBSITE_DOWN,
  DOXING,
  HARASSMENT,
  SUSPICIOUS_DEVICE,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = millis(db);
  await db.schema
    .createTable('playbooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_type', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sort', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('playbook_names')
    .addColumn('playbook_id', 'text', (c) => c.notNull().references('playbooks.id').onDelete('cascade'))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('playbook_names_pk', ['playbook_id', 'language'])
    .execute();
  await db.schema
    .createTable('playbook_steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('playbook_id', 'text', (c) => c.notNull().references('playbooks.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('required', 'integer', (c) => c.notNull())
    .addColumn('due_minutes', 'integer')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('playbook_steps_playbook').on('playbook_steps').columns(['playbook_id', 'position']).execute();
  await db.schema
    .createTable('playbook_step_texts')
    .addColumn('step_id', 'text', (c) => c.notNull().references('playbook_steps.id').onDelete('cascade'))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('guidance', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('playbook_step_texts_pk', ['step_id', 'language'])
    .execute();
  await db.schema
    .createTable('case_playbooks')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('playbook_id', 'text', (c) => c.notNull().references('playbooks.id'))
    .addColumn('applied_at', ms, (c) => c.notNull())
    .addColumn('applied_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_playbooks_pk', ['case_id', 'playbook_id'])
    .execute();
  await db.schema
    .createTable('case_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('playbook_id', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_language', 'text', (c) => c.notNull())
    .addColumn('required', 'integer', (c) => c.notNull())
    .addColumn('assignee_id', 'text')
    .addColumn('due_at', ms)
    .addColumn('done_at', ms)
    .addColumn('done_by', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_tasks_case').on('case_tasks').columns(['case_id', 'required', 'done_at']).execute();

  const seeds = db as unknown as Kysely<{
    playbooks: { id: string; incident_type: string | null; active: number; sort: number; created_at: number; updated_at: number };
    playbook_names: { playbook_id: string; language: string; name: string };
    playbook_steps: { id: string; playbook_id: string; position: number; required: number; due_minutes: number | null; created_at: number; updated_at: number };
    playbook_step_texts: { step_id: string; language: string; title: string; guidance: string };
  }>;
  await seeds
    .insertInto('playbooks')
    .values(
      SEEDED_PLAYBOOKS.map((p, i) => ({
        id: p.id,
        incident_type: p.incidentType,
        active: 1,
        sort: (i + 1) * 10,
        created_at: SEEDED_AT,
        updated_at: SEEDED_AT,
      })),
    )
    .execute();
  await seeds
    .insertInto('playbook_names')
    .values(SEEDED_PLAYBOOKS.flatMap((p) => Object.entries(p.names).map(([language, name]) => ({ playbook_id: p.id, language, name }))))
    .execute();
  await seeds
    .insertInto('playbook_steps')
    .values(
      SEEDED_PLAYBOOKS.flatMap((p) =>
        p.steps.map((s, i) => ({
          id: `${p.id}-${i + 1}`,
          playbook_id: p.id,
          position: i + 1,
          required: s.required ? 1 : 0,
          due_minutes: s.dueMinutes,
          created_at: SEEDED_AT,
          updated_at: SEEDED_AT,
        })),
      ),
    )
    .execute();
  // One statement per playbook (25 rows of four values), well within SQLite's bound-parameter limit.
  for (const p of SEEDED_PLAYBOOKS) {
    await seeds
      .insertInto('playbook_step_texts')
      .values(
        p.steps.flatMap((s, i) =>
          Object.entries(s.texts).map(([language, [title, guidance]]) => ({ step_id: `${p.id}-${i + 1}`, language, title, guidance })),
        ),
      )
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_tasks').execute();
  await db.schema.dropTable('case_playbooks').execute();
  await db.schema.dropTable('playbook_step_texts').execute();
  await db.schema.dropTable('playbook_steps').execute();
  await db.schema.dropTable('playbook_names').execute();
  await db.schema.dropTable('playbooks').execute();
}
