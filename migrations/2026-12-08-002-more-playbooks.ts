import { sql, type Kysely } from 'kysely';

// Playbooks for the five self-help topics the first seed (2026-12-07-013) left out:
// impersonation, lost data, surveillance, non-consensual intimate images and blocked internet
// (incident types `impersonation`, `data_lost`, `surveillance`, `ncii`, `connectivity`). Shaped
// as the first seven (ADR 35): ordered steps, required or not, a due time after the playbook is
// applied, a title and guidance in each of the five staff languages. Frozen: later changes come
// as new migrations.
//
// - A helpline that already has an active playbook of its own for one of these incident types
//   keeps it alone: that topic is not seeded (the migration takes the database as it is).
// - Offered after every playbook there is (sort continues from the highest).
// - Down removes the playbooks this seeded, except one a case used (case_playbooks refers to
//   it): that stays, as the record of the case.

const SEEDED_AT = Date.UTC(2026, 11, 8);

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

const IMPERSONATION: PlaybookSeed = {
  id: 'impersonation',
  incidentType: 'impersonation',
  names: {
    en: 'Impersonation: a fake account, page or website',
    es: 'Suplantación de identidad: una cuenta, página o web falsa',
    fr: 'Usurpation d’identité : faux compte, fausse page ou faux site',
    ar: 'انتحال الشخصية: حساب أو صفحة أو موقع مزيف',
    ru: 'Выдача себя за другого: поддельный аккаунт, страница или сайт',
  },
  steps: [
    step(true, H, {
      en: ['Understand the impersonation and the risk it carries', 'Ask what is being impersonated (a person, an organisation; an account, a page, a website, a phone number), where, since when, and what the fake says or asks for. Ask whether it puts the person or their contacts at risk: calls to violence, requests for money or sensitive information, discrediting before an event or a trial.'],
      es: ['Entender la suplantación y el riesgo que supone', 'Pregunta qué se está suplantando (una persona, una organización; una cuenta, una página, una web, un número de teléfono), dónde, desde cuándo y qué dice o pide el perfil falso. Pregunta si pone en riesgo a la persona o a sus contactos: llamadas a la violencia, peticiones de dinero o de información sensible, desprestigio antes de un evento o un juicio.'],
      fr: ['Comprendre l’usurpation et le risque qu’elle fait courir', 'Demandez ce qui est usurpé (une personne, une organisation ; un compte, une page, un site, un numéro de téléphone), où, depuis quand, et ce que le faux dit ou demande. Demandez s’il met la personne ou ses contacts en danger : appels à la violence, demandes d’argent ou d’informations sensibles, discrédit avant un événement ou un procès.'],
      ar: ['فهم الانتحال والخطر الذي يحمله', 'اسأل عمّا يجري انتحاله (شخص أو منظمة؛ حساب أو صفحة أو موقع أو رقم هاتف)، وأين، ومنذ متى، وماذا يقول الحساب المزيف أو يطلب. اسأل إن كان يعرّض الشخص أو جهات اتصاله للخطر: دعوات إلى العنف، أو طلب أموال أو معلومات حساسة، أو تشويه السمعة قبل فعالية أو محاكمة.'],
      ru: ['Понять, кого и как подделывают и чем это опасно', 'Спросите, что именно подделано (человек или организация; аккаунт, страница, сайт, номер телефона), где, с какого времени и что подделка говорит или просит. Спросите, не создаёт ли она угрозы для человека или его контактов: призывы к насилию, просьбы о деньгах или конфиденциальной информации, дискредитация перед мероприятием или судом.'],
    }),
    step(true, 4 * H, {
      en: ['Document the fake before reporting it', 'Save the links (the address and the account’s numeric id, not only its display name), screenshots showing the date, and messages the impersonator sent to others. Keep them in an encrypted place: a report can make the content disappear, and the evidence is needed for appeals or legal steps.'],
      es: ['Documentar el perfil falso antes de denunciarlo', 'Guarda los enlaces (la dirección y el identificador numérico de la cuenta, no solo su nombre visible), capturas de pantalla con la fecha y los mensajes que el suplantador envió a otras personas. Guárdalos en un lugar cifrado: una denuncia puede hacer desaparecer el contenido, y las pruebas hacen falta para apelaciones o pasos legales.'],
      fr: ['Documenter le faux avant de le signaler', 'Enregistrez les liens (l’adresse et l’identifiant numérique du compte, pas seulement son nom affiché), des captures d’écran datées et les messages que l’usurpateur a envoyés à d’autres. Gardez-les dans un espace chiffré : un signalement peut faire disparaître le contenu, et les preuves servent aux recours et aux démarches juridiques.'],
      ar: ['توثيق الحساب المزيف قبل الإبلاغ عنه', 'احفظ الروابط (العنوان والمعرّف الرقمي للحساب، لا اسم العرض فقط)، ولقطات شاشة يظهر فيها التاريخ، والرسائل التي أرسلها المنتحل إلى الآخرين. احفظها في مكان مشفّر: قد يؤدي الإبلاغ إلى اختفاء المحتوى، والأدلة لازمة للطعون أو الخطوات القانونية.'],
      ru: ['Задокументировать подделку до жалобы', 'Сохраните ссылки (адрес и числовой идентификатор аккаунта, а не только отображаемое имя), скриншоты с датой и сообщения, которые самозванец отправлял другим. Храните всё в зашифрованном месте: после жалобы контент может исчезнуть, а доказательства нужны для апелляций и юридических шагов.'],
    }),
    step(true, DAY, {
      en: ['Report it to the platform, registrar or host', 'Use the platform’s impersonation form (several ask the impersonated person or an authorised representative to report, with an id document), or the platform’s channel for civil society where the helpline has one. For a fake website, report to the domain’s registrar and its host (found through a WHOIS or RDAP lookup), and a phishing site to Google Safe Browsing as well.'],
      es: ['Denunciarlo a la plataforma, al registrador o al alojamiento', 'Usa el formulario de suplantación de la plataforma (varios piden que denuncie la persona suplantada o alguien autorizado, con un documento de identidad), o el canal de la plataforma para la sociedad civil si la línea de ayuda lo tiene. Para una web falsa, denuncia al registrador del dominio y a su alojamiento (se encuentran con una consulta WHOIS o RDAP), y si es de phishing, también a Google Safe Browsing.'],
      fr: ['Le signaler à la plateforme, au bureau d’enregistrement ou à l’hébergeur', 'Utilisez le formulaire d’usurpation de la plateforme (plusieurs demandent que la personne usurpée ou un représentant autorisé signale, avec une pièce d’identité), ou le canal de la plateforme pour la société civile si la ligne d’assistance en dispose. Pour un faux site, signalez-le au bureau d’enregistrement du domaine et à l’hébergeur (trouvés par une recherche WHOIS ou RDAP), et un site d’hameçonnage aussi à Google Safe Browsing.'],
      ar: ['الإبلاغ عنه إلى المنصة أو مسجّل النطاق أو المستضيف', 'استخدم نموذج الإبلاغ عن انتحال الشخصية لدى المنصة (بعضها يطلب أن يبلّغ الشخص المنتحَل أو ممثل مفوّض، مع وثيقة هوية)، أو قناة المنصة المخصصة للمجتمع المدني إن كانت لدى خط المساعدة. أما الموقع المزيف فأبلغ عنه مسجّل النطاق والجهة المستضيفة (يُعرفان عبر استعلام WHOIS أو RDAP)، وأبلغ عن موقع التصيّد أيضًا إلى Google Safe Browsing.'],
      ru: ['Пожаловаться платформе, регистратору или хостингу', 'Используйте форму платформы для жалоб на самозванцев (некоторые требуют, чтобы жаловался сам человек или уполномоченный представитель с документом), либо канал платформы для гражданского общества, если он есть у линии помощи. О поддельном сайте сообщите регистратору домена и хостингу (их можно найти через WHOIS или RDAP), а о фишинговом — ещё и в Google Safe Browsing.'],
    }),
    step(false, DAY, {
      en: ['Warn contacts without spreading the fake', 'Agree with the person on a short notice from their real, known channels naming the fake without linking to it, so as not to amplify it. Warn close contacts and partners directly when the impersonator asks them for money, documents or meetings.'],
      es: ['Avisar a los contactos sin difundir el perfil falso', 'Acuerda con la persona un aviso breve desde sus canales reales y conocidos que nombre el perfil falso sin enlazarlo, para no amplificarlo. Avisa directamente a los contactos cercanos y a las organizaciones aliadas cuando el suplantador les pida dinero, documentos o reuniones.'],
      fr: ['Prévenir les contacts sans diffuser le faux', 'Convenez avec la personne d’un court avis publié depuis ses vrais canaux connus, qui nomme le faux sans y renvoyer, pour ne pas l’amplifier. Prévenez directement les proches et les partenaires quand l’usurpateur leur demande de l’argent, des documents ou des rendez-vous.'],
      ar: ['تحذير جهات الاتصال دون نشر الحساب المزيف', 'اتفق مع الشخص على تنبيه قصير من قنواته الحقيقية المعروفة يسمّي الحساب المزيف دون وضع رابط له، كي لا يزيد انتشاره. وحذّر المقرّبين والشركاء مباشرة إذا طلب منهم المنتحل مالًا أو وثائق أو لقاءات.'],
      ru: ['Предупредить контакты, не распространяя подделку', 'Договоритесь с человеком о коротком сообщении в его настоящих, известных каналах: назвать подделку, но не давать на неё ссылку, чтобы не усиливать её охват. Напрямую предупредите близких и партнёров, если самозванец просит у них деньги, документы или встречи.'],
    }),
    step(false, 3 * DAY, {
      en: ['Secure the real accounts', 'An impersonation sometimes follows, or prepares, an account takeover. Check the real accounts’ sessions and recovery details, set unique passwords and a second factor, and ask for verification where the platform offers it.'],
      es: ['Proteger las cuentas reales', 'A veces una suplantación sigue a una toma de control de cuenta, o la prepara. Revisa las sesiones y los datos de recuperación de las cuentas reales, pon contraseñas únicas y un segundo factor, y solicita la verificación donde la plataforma la ofrezca.'],
      fr: ['Sécuriser les vrais comptes', 'Une usurpation suit parfois un piratage de compte, ou le prépare. Vérifiez les sessions et les informations de récupération des vrais comptes, mettez des mots de passe uniques et un second facteur, et demandez la vérification quand la plateforme la propose.'],
      ar: ['تأمين الحسابات الحقيقية', 'قد يأتي الانتحال بعد الاستيلاء على حساب أو تمهيدًا له. افحص جلسات الحسابات الحقيقية وبيانات استردادها، وضع كلمات مرور فريدة وعامل تحقق ثانيًا، واطلب التوثيق حيث تتيحه المنصة.'],
      ru: ['Защитить настоящие аккаунты', 'Подделка иногда следует за захватом аккаунта или готовит его. Проверьте сеансы и данные для восстановления настоящих аккаунтов, задайте уникальные пароли и второй фактор и запросите верификацию там, где платформа её предлагает.'],
    }),
    step(false, 7 * DAY, {
      en: ['Follow up on the reports', 'Check whether the fake was taken down; if not, report again with the evidence or escalate through a trusted partner. If it goes on or causes harm, discuss legal routes and, with the person’s consent, a referral to a legal partner.'],
      es: ['Dar seguimiento a las denuncias', 'Comprueba si retiraron el perfil falso; si no, vuelve a denunciar con las pruebas o escala a través de una organización aliada de confianza. Si continúa o causa daño, habla de las vías legales y, con el consentimiento de la persona, de una derivación a una organización aliada de apoyo jurídico.'],
      fr: ['Suivre les signalements', 'Vérifiez si le faux a été retiré ; sinon, signalez-le à nouveau avec les preuves ou passez par un partenaire de confiance. Si cela continue ou cause du tort, parlez des voies juridiques et, avec l’accord de la personne, d’une orientation vers un partenaire juridique.'],
      ar: ['متابعة البلاغات', 'تحقق ممّا إذا أُزيل الحساب المزيف؛ وإن لم يُزل فأبلغ مجددًا مع الأدلة أو صعّد عبر شريك موثوق. وإن استمر أو ألحق ضررًا فناقش المسارات القانونية، وبموافقة الشخص، إحالته إلى شريك قانوني.'],
      ru: ['Проследить за жалобами', 'Проверьте, удалена ли подделка; если нет — пожалуйтесь снова с доказательствами или обратитесь через надёжного партнёра. Если она продолжает действовать или причиняет вред, обсудите юридические пути и, с согласия человека, направление к партнёрам-юристам.'],
    }),
  ],
};

const LOST_DATA: PlaybookSeed = {
  id: 'lost-data',
  incidentType: 'data_lost',
  names: {
    en: 'Lost data',
    es: 'Pérdida de datos',
    fr: 'Données perdues',
    ar: 'فقدان البيانات',
    ru: 'Потеря данных',
  },
  steps: [
    step(true, H, {
      en: ['Find out what was lost, and stop using the device', 'Ask what data was lost, where it was (a phone, a laptop, a drive, an online service) and how: deleted, a broken device, ransomware, an account closed or taken over. Advise to stop using the affected device or drive now: anything written to it may overwrite what can still be recovered.'],
      es: ['Averiguar qué se perdió y dejar de usar el dispositivo', 'Pregunta qué datos se perdieron, dónde estaban (un teléfono, un portátil, un disco, un servicio en línea) y cómo: borrados, un dispositivo roto, ransomware, una cuenta cerrada o tomada. Aconseja dejar de usar ya el dispositivo o disco afectado: todo lo que se escriba puede sobrescribir lo que aún se puede recuperar.'],
      fr: ['Savoir ce qui a été perdu, et cesser d’utiliser l’appareil', 'Demandez quelles données ont été perdues, où elles étaient (un téléphone, un ordinateur, un disque, un service en ligne) et comment : effacées, appareil cassé, rançongiciel, compte fermé ou piraté. Conseillez de cesser tout de suite d’utiliser l’appareil ou le disque touché : tout ce qui y est écrit peut écraser ce qui est encore récupérable.'],
      ar: ['معرفة ما فُقد والتوقف عن استخدام الجهاز', 'اسأل عن البيانات التي فُقدت، وأين كانت (هاتف أو حاسوب أو قرص أو خدمة على الإنترنت)، وكيف: حُذفت، أو تعطّل الجهاز، أو برمجية فدية، أو أُغلق الحساب أو استولى عليه أحد. انصح بالتوقف فورًا عن استخدام الجهاز أو القرص المتأثر: أي كتابة عليه قد تمحو ما يمكن استرداده.'],
      ru: ['Выяснить, что потеряно, и прекратить пользоваться устройством', 'Спросите, какие данные потеряны, где они хранились (телефон, ноутбук, диск, онлайн-сервис) и как это произошло: удаление, поломка, программа-вымогатель, закрытый или захваченный аккаунт. Посоветуйте сразу перестать пользоваться затронутым устройством или диском: любая запись может затереть то, что ещё можно восстановить.'],
    }),
    step(true, 4 * H, {
      en: ['Look for copies before any recovery', 'Check copies first: cloud sync (Google Drive, iCloud, OneDrive, Dropbox), a service’s bin or “recently deleted” folder (often kept about 30 days), sent email attachments, messaging apps’ media, colleagues who received the files, an old device or an external drive.'],
      es: ['Buscar copias antes de cualquier recuperación', 'Revisa primero las copias: la sincronización en la nube (Google Drive, iCloud, OneDrive, Dropbox), la papelera o la carpeta de «eliminados recientemente» de cada servicio (a menudo se guarda unos 30 días), adjuntos de correos enviados, archivos multimedia de la mensajería, colegas que recibieron los archivos, un dispositivo antiguo o un disco externo.'],
      fr: ['Chercher des copies avant toute récupération', 'Vérifiez d’abord les copies : la synchronisation en ligne (Google Drive, iCloud, OneDrive, Dropbox), la corbeille ou le dossier « supprimés récemment » d’un service (souvent gardé une trentaine de jours), les pièces jointes envoyées, les médias des messageries, les collègues qui ont reçu les fichiers, un ancien appareil ou un disque externe.'],
      ar: ['البحث عن نسخ قبل أي محاولة استرداد', 'تحقق أولًا من وجود نسخ: المزامنة السحابية (Google Drive وiCloud وOneDrive وDropbox)، وسلة المحذوفات أو مجلد «المحذوفة مؤخرًا» في كل خدمة (يُحتفظ بها غالبًا نحو 30 يومًا)، ومرفقات البريد المرسلة، ووسائط تطبيقات المراسلة، والزملاء الذين تلقوا الملفات، وجهاز قديم أو قرص خارجي.'],
      ru: ['Поискать копии, прежде чем восстанавливать', 'Сначала проверьте копии: облачную синхронизацию (Google Drive, iCloud, OneDrive, Dropbox), корзину или папку «недавно удалённые» в сервисах (часто хранится около 30 дней), вложения отправленных писем, медиафайлы в мессенджерах, коллег, получавших файлы, старое устройство или внешний диск.'],
    }),
    step(false, DAY, {
      en: ['Attempt recovery without making it worse', 'For files deleted from a working drive, recover from a copy (an image) of the drive, not the original, with a trusted tool such as PhotoRec. A drive that clicks, or a device that was dropped or wet, should not be switched on again: refer to a data-recovery service, weighing who would see sensitive material.'],
      es: ['Intentar la recuperación sin empeorar las cosas', 'Para archivos borrados de un disco que funciona, recupera desde una copia (una imagen) del disco, no desde el original, con una herramienta de confianza como PhotoRec. Un disco que hace ruidos, o un dispositivo que se cayó o se mojó, no debe volver a encenderse: deriva a un servicio de recuperación de datos, valorando quién vería material sensible.'],
      fr: ['Tenter la récupération sans aggraver la situation', 'Pour des fichiers effacés d’un disque qui fonctionne, récupérez depuis une copie (une image) du disque, pas depuis l’original, avec un outil de confiance comme PhotoRec. Un disque qui claque, ou un appareil tombé ou mouillé, ne doit pas être rallumé : orientez vers un service de récupération de données, en pesant qui verrait des contenus sensibles.'],
      ar: ['محاولة الاسترداد دون زيادة الضرر', 'للملفات المحذوفة من قرص يعمل، استرجعها من نسخة (صورة) عن القرص لا من الأصل، باستخدام أداة موثوقة مثل PhotoRec. أما القرص الذي يُصدر طقطقة، أو الجهاز الذي سقط أو تبلّل، فلا يُعاد تشغيله: أحِله إلى خدمة استرداد بيانات، مع مراعاة من سيطّلع على مواد حساسة.'],
      ru: ['Попробовать восстановить, не усугубив ситуацию', 'Удалённые файлы с исправного диска восстанавливайте с его копии (образа), а не с оригинала, надёжным инструментом, например PhotoRec. Щёлкающий диск или упавшее либо намокшее устройство не включайте снова: направьте в службу восстановления данных, учитывая, кто увидит конфиденциальные материалы.'],
    }),
    step(false, DAY, {
      en: ['If it was ransomware: isolate first', 'Disconnect the device from every network and drive, photograph the ransom note, and look for a free decryptor on No More Ransom (nomoreransom.org). Advise against paying before talking it through: payment does not guarantee the files back. Then handle the device as compromised (the device playbook).'],
      es: ['Si fue ransomware: aislar primero', 'Desconecta el dispositivo de toda red y de todo disco, fotografía el mensaje de rescate y busca un descifrador gratuito en No More Ransom (nomoreransom.org). Desaconseja pagar antes de hablarlo: pagar no garantiza recuperar los archivos. Después, trata el dispositivo como comprometido (el protocolo de dispositivos).'],
      fr: ['S’il s’agit d’un rançongiciel : isoler d’abord', 'Déconnectez l’appareil de tout réseau et de tout disque, photographiez la demande de rançon et cherchez un outil de déchiffrement gratuit sur No More Ransom (nomoreransom.org). Déconseillez de payer avant d’en parler : payer ne garantit pas de retrouver les fichiers. Traitez ensuite l’appareil comme compromis (la procédure des appareils).'],
      ar: ['إن كانت برمجية فدية: اعزل الجهاز أولًا', 'افصل الجهاز عن كل شبكة وكل قرص، وصوّر رسالة الفدية، وابحث عن أداة فك تشفير مجانية في No More Ransom (nomoreransom.org). انصح بعدم الدفع قبل مناقشة الأمر: الدفع لا يضمن استعادة الملفات. ثم تعامل مع الجهاز على أنه مخترق (دليل إجراءات الأجهزة).'],
      ru: ['Если это вымогатель: сначала изолировать', 'Отключите устройство от всех сетей и дисков, сфотографируйте требование выкупа и поищите бесплатный расшифровщик на No More Ransom (nomoreransom.org). Не советуйте платить, не обсудив это: оплата не гарантирует возврат файлов. Затем работайте с устройством как со скомпрометированным (регламент по устройствам).'],
    }),
    step(true, 3 * DAY, {
      en: ['Set up backups that would have saved it', 'Help the person set up regular, encrypted backups: at least two copies in different places, one of them not always connected (so ransomware cannot reach it), for example an encrypted external drive and an end-to-end encrypted cloud. Restore one file together to check it works.'],
      es: ['Configurar las copias de seguridad que lo habrían evitado', 'Ayuda a la persona a configurar copias de seguridad regulares y cifradas: al menos dos copias en lugares distintos, una de ellas no conectada siempre (para que el ransomware no la alcance), por ejemplo un disco externo cifrado y una nube con cifrado de extremo a extremo. Restaurad juntos un archivo para comprobar que funciona.'],
      fr: ['Mettre en place les sauvegardes qui l’auraient évité', 'Aidez la personne à mettre en place des sauvegardes régulières et chiffrées : au moins deux copies en des lieux différents, dont une qui n’est pas toujours branchée (pour qu’un rançongiciel ne l’atteigne pas), par exemple un disque externe chiffré et un stockage en ligne chiffré de bout en bout. Restaurez ensemble un fichier pour vérifier que cela marche.'],
      ar: ['إعداد نسخ احتياطية كانت لتمنع الفقدان', 'ساعد الشخص على إعداد نسخ احتياطية منتظمة ومشفّرة: نسختان على الأقل في مكانين مختلفين، إحداهما غير متصلة دائمًا (كي لا تصل إليها برمجية الفدية)، مثل قرص خارجي مشفّر وتخزين سحابي مشفّر من طرف إلى طرف. استرجعا معًا ملفًا واحدًا للتأكد من أن النسخ تعمل.'],
      ru: ['Настроить резервные копии, которые спасли бы данные', 'Помогите человеку настроить регулярное зашифрованное резервное копирование: минимум две копии в разных местах, одна из которых подключается не постоянно (чтобы вымогатель до неё не добрался), например зашифрованный внешний диск и облако со сквозным шифрованием. Вместе восстановите один файл, чтобы проверить, что всё работает.'],
    }),
  ],
};

const SURVEILLANCE: PlaybookSeed = {
  id: 'surveillance',
  incidentType: 'surveillance',
  names: {
    en: 'Surveillance: being watched, tracked or listened to',
    es: 'Vigilancia: sentirse observado, rastreado o escuchado',
    fr: 'Surveillance : être observé, pisté ou écouté',
    ar: 'المراقبة: التعرّض للمراقبة أو التتبّع أو التنصت',
    ru: 'Слежка: наблюдение, отслеживание или прослушивание',
  },
  steps: [
    step(true, H, {
      en: ['Listen, and move to a safer channel', 'Ask what makes the person think they are watched: things someone knows that they should not, a device behaving oddly, being followed, a platform’s warning about state-sponsored attackers. Take it seriously without confirming fears you cannot yet check. If the suspected device is the one they write from, agree on another channel or device.'],
      es: ['Escuchar y pasar a un canal más seguro', 'Pregunta qué hace pensar a la persona que la vigilan: cosas que alguien sabe y no debería, un dispositivo que se comporta de forma extraña, que la siguen, un aviso de una plataforma sobre atacantes respaldados por un Estado. Tómalo en serio sin confirmar temores que aún no puedes comprobar. Si escribe desde el dispositivo sospechoso, acordad otro canal u otro dispositivo.'],
      fr: ['Écouter, et passer à un canal plus sûr', 'Demandez ce qui fait penser à la personne qu’elle est surveillée : des choses que quelqu’un sait sans devoir les savoir, un appareil au comportement étrange, une filature, un avertissement d’une plateforme sur des attaquants soutenus par un État. Prenez-le au sérieux sans confirmer des craintes que vous ne pouvez pas encore vérifier. Si elle écrit depuis l’appareil suspect, convenez d’un autre canal ou d’un autre appareil.'],
      ar: ['الإصغاء والانتقال إلى قناة أكثر أمانًا', 'اسأل عمّا يجعل الشخص يظن أنه مراقَب: أمور يعرفها أحد ولا ينبغي أن يعرفها، أو جهاز يتصرف بغرابة، أو ملاحقة، أو تحذير من منصة بشأن مهاجمين مدعومين من دولة. خذ الأمر بجدية دون تأكيد مخاوف لا يمكنك التحقق منها بعد. وإن كان يكتب من الجهاز المشتبه به، فاتفقا على قناة أو جهاز آخر.'],
      ru: ['Выслушать и перейти на более безопасный канал', 'Спросите, почему человек думает, что за ним следят: кто-то знает то, чего знать не должен, устройство ведёт себя странно, за ним ходят, платформа предупредила об атаке при поддержке государства. Отнеситесь серьёзно, но не подтверждайте опасения, которые пока нельзя проверить. Если человек пишет с подозрительного устройства, договоритесь о другом канале или устройстве.'],
    }),
    step(true, 4 * H, {
      en: ['Work out who might be watching, and how', 'Together, name the likely adversary (authorities, a partner or relative, an employer, a criminal group) and what they can do: take or touch devices, intercept calls and SMS through the telecom operator, install spyware or stalkerware, hide a GPS tracker, watch social media. The advice depends on this.'],
      es: ['Identificar quién podría estar vigilando, y cómo', 'Nombrad juntos al adversario probable (autoridades, una pareja o un familiar, un empleador, un grupo criminal) y lo que puede hacer: coger o manipular dispositivos, interceptar llamadas y SMS a través del operador, instalar programas espía o stalkerware, esconder un rastreador GPS, vigilar las redes sociales. El consejo depende de esto.'],
      fr: ['Déterminer qui pourrait surveiller, et comment', 'Nommez ensemble l’adversaire probable (autorités, partenaire ou proche, employeur, groupe criminel) et ce qu’il peut faire : prendre ou manipuler des appareils, intercepter appels et SMS via l’opérateur, installer un logiciel espion ou un logiciel de traque, cacher une balise GPS, surveiller les réseaux sociaux. Les conseils en dépendent.'],
      ar: ['تحديد من قد يراقب وكيف', 'حدّدا معًا الخصم المرجّح (السلطات، أو شريك أو قريب، أو صاحب عمل، أو جماعة إجرامية) وما يستطيع فعله: أخذ الأجهزة أو العبث بها، أو اعتراض المكالمات والرسائل القصيرة عبر مشغّل الاتصالات، أو تثبيت برمجيات تجسس أو تعقّب، أو إخفاء جهاز تتبع GPS، أو رصد وسائل التواصل. النصيحة تتوقف على ذلك.'],
      ru: ['Понять, кто может следить и каким образом', 'Вместе определите вероятного противника (власти, партнёр или родственник, работодатель, преступная группа) и его возможности: забрать устройства или получить к ним доступ, перехватывать звонки и SMS через оператора, установить шпионскую программу или сталкерское ПО, спрятать GPS-трекер, отслеживать соцсети. От этого зависят советы.'],
    }),
    step(true, DAY, {
      en: ['Check accounts, devices and belongings', 'Review account sessions, connected apps and location sharing (Google Maps, Find My); look for apps with accessibility or device-administrator rights the person does not recognise. Where state spyware is suspected, collect a forensic sample with consent (for example with MVT) and refer it to a partner lab rather than wiping. Check bags and vehicles for trackers (AirTag alerts, a tracker-detection app).'],
      es: ['Revisar cuentas, dispositivos y pertenencias', 'Revisa las sesiones de las cuentas, las aplicaciones conectadas y la ubicación compartida (Google Maps, Buscar); busca aplicaciones con permisos de accesibilidad o de administrador del dispositivo que la persona no reconozca. Si se sospecha de programas espía estatales, toma una muestra forense con consentimiento (por ejemplo con MVT) y envíala a un laboratorio aliado en lugar de borrar. Revisa bolsos y vehículos en busca de rastreadores (alertas de AirTag, una aplicación de detección).'],
      fr: ['Vérifier comptes, appareils et effets personnels', 'Passez en revue les sessions des comptes, les applications connectées et le partage de position (Google Maps, Localiser) ; cherchez des applications ayant des droits d’accessibilité ou d’administrateur de l’appareil que la personne ne reconnaît pas. Si l’on soupçonne un logiciel espion étatique, prenez un échantillon forensique avec son accord (par exemple avec MVT) et confiez-le à un laboratoire partenaire plutôt que d’effacer. Vérifiez sacs et véhicules à la recherche de balises (alertes AirTag, application de détection).'],
      ar: ['فحص الحسابات والأجهزة والمتعلقات', 'راجع جلسات الحسابات والتطبيقات المتصلة ومشاركة الموقع (خرائط Google و«تحديد الموقع»)، وابحث عن تطبيقات لها صلاحيات إمكانية الوصول أو إدارة الجهاز لا يعرفها الشخص. وإن اشتُبه ببرمجيات تجسس حكومية، فخذ عيّنة جنائية بموافقته (مثلًا باستخدام MVT) وأحلها إلى مختبر شريك بدل مسح الجهاز. وافحص الحقائب والمركبات بحثًا عن أجهزة تتبع (تنبيهات AirTag، أو تطبيق لكشفها).'],
      ru: ['Проверить аккаунты, устройства и вещи', 'Проверьте сеансы аккаунтов, подключённые приложения и передачу геопозиции (Google Карты, «Локатор»); поищите приложения с правами специальных возможностей или администратора устройства, которых человек не узнаёт. При подозрении на государственное шпионское ПО снимите криминалистический образец с согласия человека (например, с помощью MVT) и передайте его в лабораторию-партнёр, а не стирайте устройство. Проверьте сумки и машину на трекеры (оповещения AirTag, приложение для их обнаружения).'],
    }),
    step(false, DAY, {
      en: ['Agree on what to change now, and what not yet', 'Removing spyware or a tracker can alert whoever placed it; where that could be dangerous, decide the timing with the person. Meanwhile: end-to-end encrypted messaging with disappearing messages, a separate clean device for sensitive work, location history off, phones left outside sensitive meetings.'],
      es: ['Acordar qué cambiar ya y qué todavía no', 'Quitar un programa espía o un rastreador puede alertar a quien lo puso; si eso puede ser peligroso, decidid el momento con la persona. Mientras tanto: mensajería cifrada de extremo a extremo con mensajes temporales, un dispositivo limpio aparte para el trabajo sensible, el historial de ubicaciones desactivado, los teléfonos fuera de las reuniones sensibles.'],
      fr: ['Convenir de ce qu’on change maintenant, et de ce qui attend', 'Retirer un logiciel espion ou une balise peut alerter qui l’a posé ; si cela peut être dangereux, décidez du moment avec la personne. En attendant : messagerie chiffrée de bout en bout avec messages éphémères, un appareil propre à part pour le travail sensible, historique des positions désactivé, téléphones laissés hors des réunions sensibles.'],
      ar: ['الاتفاق على ما يُغيَّر الآن وما يؤجَّل', 'إزالة برمجية التجسس أو جهاز التتبع قد تنبّه من وضعه؛ فإن كان ذلك خطرًا، فحدّدا التوقيت معًا. وفي الأثناء: مراسلة مشفّرة من طرف إلى طرف مع الرسائل المختفية، وجهاز نظيف منفصل للعمل الحساس، وإيقاف سجل المواقع، وترك الهواتف خارج الاجتماعات الحساسة.'],
      ru: ['Договориться, что менять сейчас, а что позже', 'Удаление шпионской программы или трекера может насторожить того, кто их установил; если это опасно, выберите момент вместе с человеком. А пока: мессенджер со сквозным шифрованием и исчезающими сообщениями, отдельное чистое устройство для чувствительной работы, отключённая история местоположений, телефоны вне помещения на важных встречах.'],
    }),
    step(false, 3 * DAY, {
      en: ['Plan for safety beyond the devices', 'Surveillance often comes with physical risk. With the person’s consent, connect them with partners for physical security, legal support or temporary relocation, and agree on regular check-ins and an emergency contact.'],
      es: ['Planificar la seguridad más allá de los dispositivos', 'La vigilancia suele venir con riesgo físico. Con el consentimiento de la persona, ponla en contacto con organizaciones aliadas de seguridad física, apoyo jurídico o reubicación temporal, y acordad contactos regulares y una persona de emergencia.'],
      fr: ['Prévoir la sécurité au-delà des appareils', 'La surveillance s’accompagne souvent d’un risque physique. Avec l’accord de la personne, mettez-la en relation avec des partenaires pour la sécurité physique, le soutien juridique ou une relocalisation temporaire, et convenez de points réguliers et d’un contact d’urgence.'],
      ar: ['التخطيط للسلامة بما يتجاوز الأجهزة', 'كثيرًا ما تترافق المراقبة مع خطر جسدي. بموافقة الشخص، صِله بشركاء في الأمن الجسدي أو الدعم القانوني أو النقل المؤقت، واتفقا على تواصل منتظم وجهة اتصال للطوارئ.'],
      ru: ['Продумать безопасность за пределами устройств', 'Слежка часто сопровождается физической угрозой. С согласия человека свяжите его с партнёрами по физической безопасности, юридической помощи или временному переезду и договоритесь о регулярной связи и контакте на случай опасности.'],
    }),
    step(false, 7 * DAY, {
      en: ['Follow up after a week', 'Check in: anything new, whether the changes held, whether the forensic analysis came back. Adjust the plan, and close the case only when the person feels they know what to do if it happens again.'],
      es: ['Hacer seguimiento a la semana', 'Retoma el contacto: si hay algo nuevo, si los cambios se mantienen, si llegó el análisis forense. Ajusta el plan y cierra el caso solo cuando la persona sienta que sabe qué hacer si vuelve a ocurrir.'],
      fr: ['Faire le point après une semaine', 'Reprenez contact : du nouveau ? Les changements tiennent-ils ? L’analyse forensique est-elle revenue ? Ajustez le plan, et ne fermez le dossier que lorsque la personne sait quoi faire si cela recommence.'],
      ar: ['المتابعة بعد أسبوع', 'تواصل مجددًا: هل جدّ شيء، وهل صمدت التغييرات، وهل وصلت نتائج التحليل الجنائي. عدّل الخطة، ولا تغلق الحالة إلا حين يشعر الشخص أنه يعرف ما يفعل إن تكرر الأمر.'],
      ru: ['Связаться через неделю', 'Узнайте, нет ли нового, работают ли изменения, пришёл ли результат криминалистического анализа. Скорректируйте план и закрывайте дело, только когда человек уверен, что знает, что делать, если это повторится.'],
    }),
  ],
};

const INTIMATE_IMAGES: PlaybookSeed = {
  id: 'intimate-images',
  incidentType: 'ncii',
  names: {
    en: 'Intimate images shared without consent',
    es: 'Imágenes íntimas compartidas sin consentimiento',
    fr: 'Images intimes diffusées sans consentement',
    ar: 'صور حميمة نُشرت دون موافقة',
    ru: 'Интимные изображения, распространённые без согласия',
  },
  steps: [
    step(true, H, {
      en: ['Respond with care, and check safety', 'Believe the person, do not judge, and say clearly that it is not their fault. Ask whether they are safe now, whether someone is threatening or blackmailing them, and whether they were under 18 in the images (then Take It Down and child-protection routes apply). Let them set the pace, and tell them they never need to send the images to the helpline.'],
      es: ['Responder con cuidado y comprobar la seguridad', 'Cree a la persona, no la juzgues y dile con claridad que no es su culpa. Pregunta si está a salvo ahora, si alguien la amenaza o la chantajea y si era menor de 18 años en las imágenes (en ese caso se aplican Take It Down y las vías de protección de la infancia). Deja que marque el ritmo y dile que nunca necesita enviar las imágenes a la línea de ayuda.'],
      fr: ['Répondre avec délicatesse, et vérifier la sécurité', 'Croyez la personne, ne la jugez pas et dites-lui clairement que ce n’est pas sa faute. Demandez si elle est en sécurité maintenant, si quelqu’un la menace ou la fait chanter, et si elle avait moins de 18 ans sur les images (Take It Down et les voies de protection de l’enfance s’appliquent alors). Laissez-la fixer le rythme, et dites-lui qu’elle n’a jamais besoin d’envoyer les images à la ligne d’assistance.'],
      ar: ['الاستجابة بعناية والتحقق من السلامة', 'صدّق الشخص ولا تحكم عليه، وقل له بوضوح إن ما حدث ليس ذنبه. اسأل إن كان في أمان الآن، وهل يهدده أحد أو يبتزه، وهل كان دون الثامنة عشرة في الصور (عندها تنطبق خدمة Take It Down ومسارات حماية الطفل). دعه يحدد الإيقاع، وأخبره أنه لا يحتاج أبدًا إلى إرسال الصور إلى خط المساعدة.'],
      ru: ['Отнестись бережно и проверить безопасность', 'Поверьте человеку, не осуждайте и ясно скажите, что он не виноват. Спросите, в безопасности ли он сейчас, угрожают ли ему или шантажируют ли его и не было ли ему меньше 18 лет на изображениях (тогда применяются Take It Down и механизмы защиты детей). Пусть человек сам задаёт темп; скажите, что ему никогда не нужно присылать изображения на линию помощи.'],
    }),
    step(true, 4 * H, {
      en: ['Do not pay; keep evidence without spreading the images', 'If someone is demanding money or more images, advise not to pay or send anything, and to stop replying without deleting the conversation. Note where the images appear (links, account names, dates) and keep the threats; a screenshot of the page around the image, or its address alone, is usually enough. Offer to do this with them, so they need not look alone.'],
      es: ['No pagar; guardar pruebas sin difundir las imágenes', 'Si alguien exige dinero o más imágenes, aconseja no pagar ni enviar nada, y dejar de responder sin borrar la conversación. Anota dónde aparecen las imágenes (enlaces, nombres de cuentas, fechas) y guarda las amenazas; una captura de la página alrededor de la imagen, o solo su dirección, suele bastar. Ofrece hacerlo con ella, para que no tenga que mirar sola.'],
      fr: ['Ne pas payer ; garder des preuves sans diffuser les images', 'Si quelqu’un exige de l’argent ou d’autres images, conseillez de ne rien payer ni envoyer, et de cesser de répondre sans effacer la conversation. Notez où les images apparaissent (liens, noms de comptes, dates) et gardez les menaces ; une capture de la page autour de l’image, ou sa seule adresse, suffit en général. Proposez de le faire avec la personne, pour qu’elle n’ait pas à regarder seule.'],
      ar: ['عدم الدفع، وحفظ الأدلة دون نشر الصور', 'إن كان أحد يطالب بالمال أو بمزيد من الصور، فانصح بعدم الدفع أو إرسال أي شيء، وبالتوقف عن الرد دون حذف المحادثة. دوّن أين تظهر الصور (روابط، أسماء حسابات، تواريخ) واحتفظ بالتهديدات؛ تكفي عادةً لقطة للصفحة حول الصورة أو عنوانها وحده. اعرض القيام بذلك معه كي لا يضطر إلى النظر وحده.'],
      ru: ['Не платить; сохранить доказательства, не распространяя изображения', 'Если кто-то требует деньги или новые изображения, посоветуйте ничего не платить и не отправлять и перестать отвечать, не удаляя переписку. Запишите, где появляются изображения (ссылки, имена аккаунтов, даты), и сохраните угрозы; обычно достаточно скриншота страницы вокруг изображения или одного его адреса. Предложите сделать это вместе, чтобы человеку не пришлось смотреть в одиночку.'],
    }),
    step(true, DAY, {
      en: ['Block re-uploads with StopNCII.org', 'If the person has the images, StopNCII.org makes digital fingerprints (hashes) of them on their own device: the images never leave it. Participating platforms (Facebook, Instagram, TikTok, Reddit and others) use the hashes to find and block the images. For images of someone under 18, use Take It Down (NCMEC) instead.'],
      es: ['Bloquear nuevas subidas con StopNCII.org', 'Si la persona tiene las imágenes, StopNCII.org crea huellas digitales (hashes) de ellas en su propio dispositivo: las imágenes nunca salen de él. Las plataformas participantes (Facebook, Instagram, TikTok, Reddit y otras) usan esas huellas para encontrar y bloquear las imágenes. Para imágenes de menores de 18 años, usa en su lugar Take It Down (NCMEC).'],
      fr: ['Bloquer les remises en ligne avec StopNCII.org', 'Si la personne a les images, StopNCII.org en crée des empreintes numériques (hachages) sur son propre appareil : les images ne le quittent jamais. Les plateformes participantes (Facebook, Instagram, TikTok, Reddit et d’autres) utilisent ces empreintes pour trouver et bloquer les images. Pour des images d’une personne de moins de 18 ans, utilisez plutôt Take It Down (NCMEC).'],
      ar: ['منع إعادة النشر عبر StopNCII.org', 'إن كانت الصور لدى الشخص، فإن StopNCII.org يصنع لها بصمات رقمية (قيم تجزئة) على جهازه هو: لا تغادر الصور الجهاز أبدًا. وتستخدم المنصات المشاركة (فيسبوك وإنستغرام وتيك توك وريديت وغيرها) هذه البصمات للعثور على الصور وحظرها. أما صور من هم دون الثامنة عشرة فاستخدم بدلًا من ذلك Take It Down (NCMEC).'],
      ru: ['Заблокировать повторные публикации через StopNCII.org', 'Если изображения есть у человека, StopNCII.org создаёт их цифровые отпечатки (хеши) на его собственном устройстве: сами изображения его не покидают. Участвующие платформы (Facebook, Instagram, TikTok, Reddit и другие) используют отпечатки, чтобы находить и блокировать изображения. Для изображений несовершеннолетних используйте вместо этого Take It Down (NCMEC).'],
    }),
    step(true, DAY, {
      en: ['Request removal from platforms and search results', 'Report each copy through the platform’s form for non-consensual intimate imagery, usually handled faster than other reports, and ask Google and Bing to remove the pages from search results with their forms for intimate images. For other websites, write to the host; the helpline can escalate through trusted partner channels.'],
      es: ['Pedir la retirada en plataformas y buscadores', 'Denuncia cada copia con el formulario de la plataforma para imágenes íntimas sin consentimiento, que suele tramitarse más rápido que otras denuncias, y pide a Google y Bing que retiren las páginas de sus resultados con sus formularios para imágenes íntimas. Para otras webs, escribe al alojamiento; la línea de ayuda puede escalar por canales de organizaciones aliadas de confianza.'],
      fr: ['Demander le retrait aux plateformes et aux moteurs de recherche', 'Signalez chaque copie avec le formulaire de la plateforme pour les images intimes non consenties, en général traité plus vite que les autres signalements, et demandez à Google et Bing de retirer les pages de leurs résultats avec leurs formulaires pour les images intimes. Pour les autres sites, écrivez à l’hébergeur ; la ligne d’assistance peut passer par des canaux de partenaires de confiance.'],
      ar: ['طلب الإزالة من المنصات ونتائج البحث', 'أبلغ عن كل نسخة عبر نموذج المنصة الخاص بالصور الحميمة المنشورة دون موافقة، وهو يُعالَج عادةً أسرع من البلاغات الأخرى، واطلب من Google وBing إزالة الصفحات من نتائج البحث عبر نماذجهما الخاصة بالصور الحميمة. أما المواقع الأخرى فراسل الجهة المستضيفة؛ ويمكن لخط المساعدة التصعيد عبر قنوات شركاء موثوقين.'],
      ru: ['Добиться удаления с платформ и из поисковой выдачи', 'Сообщите о каждой копии через форму платформы для интимных изображений, опубликованных без согласия (такие жалобы обычно рассматривают быстрее), и попросите Google и Bing убрать страницы из результатов поиска через их формы для интимных изображений. Для других сайтов напишите хостингу; линия помощи может обратиться через каналы надёжных партнёров.'],
    }),
    step(false, 3 * DAY, {
      en: ['Secure accounts and devices', 'Images often come from a former partner or a compromised account. Check cloud photo sync, shared albums, account sessions and devices the other person could reach; change passwords and turn on a second factor, at a time that does not put the person at risk.'],
      es: ['Proteger cuentas y dispositivos', 'Las imágenes suelen venir de una expareja o de una cuenta comprometida. Revisa la sincronización de fotos en la nube, los álbumes compartidos, las sesiones de las cuentas y los dispositivos a los que la otra persona pudo acceder; cambia las contraseñas y activa un segundo factor, en un momento que no ponga en riesgo a la persona.'],
      fr: ['Sécuriser comptes et appareils', 'Les images viennent souvent d’un ancien partenaire ou d’un compte compromis. Vérifiez la synchronisation des photos en ligne, les albums partagés, les sessions des comptes et les appareils que l’autre personne pouvait atteindre ; changez les mots de passe et activez un second facteur, à un moment qui ne met pas la personne en danger.'],
      ar: ['تأمين الحسابات والأجهزة', 'كثيرًا ما تأتي الصور من شريك سابق أو من حساب مخترق. افحص مزامنة الصور السحابية والألبومات المشتركة وجلسات الحسابات والأجهزة التي كان بوسع الشخص الآخر الوصول إليها؛ وغيّر كلمات المرور وفعّل عامل تحقق ثانيًا، في وقت لا يعرّض الشخص للخطر.'],
      ru: ['Защитить аккаунты и устройства', 'Изображения часто исходят от бывшего партнёра или из взломанного аккаунта. Проверьте синхронизацию фото в облаке, общие альбомы, сеансы аккаунтов и устройства, к которым мог иметь доступ другой человек; смените пароли и включите второй фактор — в момент, который не создаст угрозы для человека.'],
    }),
    step(false, 3 * DAY, {
      en: ['Offer legal and psychosocial support', 'With the person’s consent, refer them to a partner for legal advice (sharing intimate images without consent is a crime in many countries) and for psychosocial support. Respect a choice not to go to the police, and do not push for one.'],
      es: ['Ofrecer apoyo jurídico y psicosocial', 'Con el consentimiento de la persona, derívala a una organización aliada para asesoría jurídica (compartir imágenes íntimas sin consentimiento es delito en muchos países) y apoyo psicosocial. Respeta la decisión de no acudir a la policía y no presiones en ningún sentido.'],
      fr: ['Proposer un soutien juridique et psychosocial', 'Avec l’accord de la personne, orientez-la vers un partenaire pour un conseil juridique (diffuser des images intimes sans consentement est un délit dans de nombreux pays) et un soutien psychosocial. Respectez le choix de ne pas aller à la police, et ne poussez dans aucun sens.'],
      ar: ['عرض الدعم القانوني والنفسي الاجتماعي', 'بموافقة الشخص، أحِله إلى شريك للاستشارة القانونية (نشر الصور الحميمة دون موافقة جريمة في كثير من البلدان) وللدعم النفسي الاجتماعي. احترم قراره بعدم اللجوء إلى الشرطة، ولا تضغط عليه في أي اتجاه.'],
      ru: ['Предложить юридическую и психосоциальную помощь', 'С согласия человека направьте его к партнёрам за юридической консультацией (распространение интимных изображений без согласия во многих странах — преступление) и психосоциальной поддержкой. Уважайте решение не обращаться в полицию и не давите ни в одну сторону.'],
    }),
    step(false, 7 * DAY, {
      en: ['Follow up, and watch for the images so they do not have to', 'Check which reports were acted on and resubmit where needed. Agree whether, and how, the helpline looks for new copies, so the person does not have to search for their own images; agree too how they want to hear about what is found.'],
      es: ['Hacer seguimiento y vigilar las imágenes para que ella no tenga que hacerlo', 'Comprueba qué denuncias se atendieron y vuelve a enviarlas donde haga falta. Acordad si la línea de ayuda busca nuevas copias, y cómo, para que la persona no tenga que buscar sus propias imágenes; acordad también cómo quiere enterarse de lo que se encuentre.'],
      fr: ['Faire le suivi, et guetter les images à sa place', 'Vérifiez quels signalements ont abouti et renvoyez-les si besoin. Convenez si la ligne d’assistance cherche de nouvelles copies, et comment, pour que la personne n’ait pas à chercher ses propres images ; convenez aussi de la manière dont elle veut être informée de ce qui est trouvé.'],
      ar: ['المتابعة ورصد الصور نيابة عن الشخص', 'تحقق من البلاغات التي نُفّذت وأعد تقديم ما يلزم. اتفقا على ما إذا كان خط المساعدة سيبحث عن نسخ جديدة وكيف، كي لا يضطر الشخص إلى البحث عن صوره بنفسه؛ واتفقا كذلك على الطريقة التي يريد أن يُبلَّغ بها بما يُعثر عليه.'],
      ru: ['Следить за ситуацией и за изображениями вместо человека', 'Проверьте, по каким жалобам приняты меры, и при необходимости подайте их снова. Договоритесь, будет ли линия помощи искать новые копии и как, чтобы человеку не приходилось самому искать свои изображения; договоритесь и о том, как он хочет узнавать о найденном.'],
    }),
  ],
};

const BLOCKED_INTERNET: PlaybookSeed = {
  id: 'blocked-internet',
  incidentType: 'connectivity',
  names: {
    en: 'Internet blocked, censored or shut down',
    es: 'Internet bloqueado, censurado o cortado',
    fr: 'Internet bloqué, censuré ou coupé',
    ar: 'حجب الإنترنت أو رقابته أو قطعه',
    ru: 'Интернет заблокирован, цензурирован или отключён',
  },
  steps: [
    step(true, H, {
      en: ['Find out what is blocked, where and since when', 'Ask which sites or apps fail, on which networks (mobile data, home, office), since when, and whether everything is down, slowed, or only some services are blocked. Compare with measurements for the country on OONI Explorer and with public reports (NetBlocks, the #KeepItOn coalition).'],
      es: ['Averiguar qué está bloqueado, dónde y desde cuándo', 'Pregunta qué webs o aplicaciones fallan, en qué redes (datos móviles, casa, oficina), desde cuándo, y si está todo caído, ralentizado o solo bloqueados algunos servicios. Compara con las mediciones del país en OONI Explorer y con informes públicos (NetBlocks, la coalición #KeepItOn).'],
      fr: ['Savoir ce qui est bloqué, où et depuis quand', 'Demandez quels sites ou applications ne marchent pas, sur quels réseaux (données mobiles, domicile, bureau), depuis quand, et si tout est coupé, ralenti, ou si seuls certains services sont bloqués. Comparez avec les mesures du pays sur OONI Explorer et avec les rapports publics (NetBlocks, la coalition #KeepItOn).'],
      ar: ['معرفة ما هو محجوب وأين ومنذ متى', 'اسأل عن المواقع أو التطبيقات التي لا تعمل، وعلى أي شبكات (بيانات الجوال، المنزل، المكتب)، ومنذ متى، وهل الانقطاع كامل أم إبطاء أم حجب لبعض الخدمات فقط. قارن ذلك بقياسات البلد على OONI Explorer وبالتقارير العامة (NetBlocks، وتحالف #KeepItOn).'],
      ru: ['Выяснить, что заблокировано, где и с каких пор', 'Спросите, какие сайты или приложения не работают, в каких сетях (мобильный интернет, дом, офис), с какого времени и отключено ли всё, замедлено или заблокированы лишь некоторые сервисы. Сравните с измерениями по стране в OONI Explorer и с публичными отчётами (NetBlocks, коалиция #KeepItOn).'],
    }),
    step(true, 4 * H, {
      en: ['Weigh the risk of getting around the block', 'In some countries using circumvention tools is itself risky or illegal, and a VPN on a phone at a checkpoint draws attention. Discuss the legal context and the person’s exposure before advising, and prefer tools that look like ordinary traffic where that matters.'],
      es: ['Valorar el riesgo de saltarse el bloqueo', 'En algunos países usar herramientas de elusión es en sí arriesgado o ilegal, y una VPN en un teléfono en un control llama la atención. Habla del contexto legal y de la exposición de la persona antes de aconsejar, y prefiere herramientas que parezcan tráfico normal cuando eso importe.'],
      fr: ['Peser le risque de contourner le blocage', 'Dans certains pays, utiliser des outils de contournement est en soi risqué ou illégal, et un VPN sur un téléphone à un contrôle attire l’attention. Parlez du contexte juridique et de l’exposition de la personne avant de conseiller, et préférez des outils qui ressemblent à du trafic ordinaire quand cela compte.'],
      ar: ['تقدير خطر تجاوز الحجب', 'في بعض البلدان يكون استخدام أدوات التحايل بحد ذاته خطرًا أو غير قانوني، ووجود VPN على هاتف عند نقطة تفتيش يلفت الانتباه. ناقش السياق القانوني ومدى تعرّض الشخص قبل تقديم النصيحة، وفضّل الأدوات التي تبدو كحركة مرور عادية حين يكون ذلك مهمًا.'],
      ru: ['Оценить риск обхода блокировки', 'В некоторых странах сами средства обхода блокировок опасны или незаконны, а VPN на телефоне при проверке привлекает внимание. Обсудите правовой контекст и уязвимость человека до того, как советовать, и там, где это важно, выбирайте инструменты, трафик которых выглядит обычным.'],
    }),
    step(true, DAY, {
      en: ['Recommend tools that fit the block', 'Suggest trusted tools for what is blocked: Tor Browser with bridges (Snowflake, obfs4), Psiphon, a reputable VPN (not an unknown free one), Signal’s proxy setting. Share ways to download them that work under the block: official mirrors, app stores of another country, or GetTor (gettor@torproject.org).'],
      es: ['Recomendar herramientas adecuadas al bloqueo', 'Sugiere herramientas de confianza según lo bloqueado: Tor Browser con puentes (Snowflake, obfs4), Psiphon, una VPN de buena reputación (no una gratuita desconocida), el ajuste de proxy de Signal. Comparte formas de descargarlas que funcionen con el bloqueo: espejos oficiales, tiendas de aplicaciones de otro país o GetTor (gettor@torproject.org).'],
      fr: ['Recommander des outils adaptés au blocage', 'Proposez des outils de confiance selon ce qui est bloqué : Tor Browser avec des ponts (Snowflake, obfs4), Psiphon, un VPN réputé (pas un VPN gratuit inconnu), le réglage de proxy de Signal. Indiquez des moyens de les télécharger qui marchent malgré le blocage : miroirs officiels, magasins d’applications d’un autre pays, ou GetTor (gettor@torproject.org).'],
      ar: ['اقتراح أدوات تلائم الحجب', 'اقترح أدوات موثوقة بحسب ما هو محجوب: متصفح Tor مع الجسور (Snowflake وobfs4)، وPsiphon، وخدمة VPN حسنة السمعة (لا خدمة مجانية مجهولة)، وإعداد الوكيل في Signal. وشارك طرق تنزيلها التي تعمل رغم الحجب: المرايا الرسمية، أو متاجر تطبيقات بلد آخر، أو GetTor (gettor@torproject.org).'],
      ru: ['Порекомендовать инструменты под конкретную блокировку', 'Предложите надёжные инструменты в зависимости от того, что заблокировано: Tor Browser с мостами (Snowflake, obfs4), Psiphon, VPN с хорошей репутацией (не неизвестный бесплатный), настройку прокси в Signal. Подскажите способы скачать их в условиях блокировки: официальные зеркала, магазины приложений другой страны или GetTor (gettor@torproject.org).'],
    }),
    step(false, DAY, {
      en: ['Prepare for a full shutdown', 'If a shutdown is expected (elections, protests, exams), advise installing circumvention and offline tools in advance, downloading offline maps and key documents, agreeing on other ways to reach each other (SMS, phone calls, mesh apps such as Briar), and backing up what matters.'],
      es: ['Prepararse para un corte total', 'Si se espera un corte (elecciones, protestas, exámenes), aconseja instalar de antemano herramientas de elusión y herramientas sin conexión, descargar mapas sin conexión y documentos clave, acordar otras formas de contactarse (SMS, llamadas, aplicaciones en malla como Briar) y hacer copia de lo importante.'],
      fr: ['Se préparer à une coupure totale', 'Si une coupure est attendue (élections, manifestations, examens), conseillez d’installer à l’avance des outils de contournement et des outils hors ligne, de télécharger des cartes hors ligne et les documents essentiels, de convenir d’autres moyens de se joindre (SMS, appels, applications maillées comme Briar) et de sauvegarder ce qui compte.'],
      ar: ['الاستعداد لقطع كامل', 'إن كان قطع الإنترنت متوقعًا (انتخابات، احتجاجات، امتحانات)، فانصح بتثبيت أدوات التحايل والأدوات العاملة دون اتصال مسبقًا، وتنزيل الخرائط والوثائق المهمة للعمل دون اتصال، والاتفاق على طرق أخرى للتواصل (الرسائل القصيرة، المكالمات، تطبيقات الشبكات المتداخلة مثل Briar)، ونسخ ما هو مهم احتياطيًا.'],
      ru: ['Подготовиться к полному отключению', 'Если ожидается отключение (выборы, протесты, экзамены), посоветуйте заранее установить средства обхода и офлайн-инструменты, скачать офлайн-карты и важные документы, договориться о других способах связи (SMS, звонки, mesh-приложения вроде Briar) и сделать резервные копии важного.'],
    }),
    step(false, 3 * DAY, {
      en: ['Measure and document the blocking', 'Where it is safe and with the person’s consent, run OONI Probe to record what is blocked, and share the evidence with partners who document shutdowns (the #KeepItOn coalition). Measurements help challenge the blocking and warn others.'],
      es: ['Medir y documentar el bloqueo', 'Donde sea seguro y con el consentimiento de la persona, usa OONI Probe para registrar lo que está bloqueado, y comparte las pruebas con organizaciones aliadas que documentan los cortes (la coalición #KeepItOn). Las mediciones ayudan a impugnar el bloqueo y a avisar a otras personas.'],
      fr: ['Mesurer et documenter le blocage', 'Là où c’est sûr et avec l’accord de la personne, lancez OONI Probe pour enregistrer ce qui est bloqué, et partagez les preuves avec des partenaires qui documentent les coupures (la coalition #KeepItOn). Les mesures aident à contester le blocage et à prévenir d’autres personnes.'],
      ar: ['قياس الحجب وتوثيقه', 'حيث يكون ذلك آمنًا وبموافقة الشخص، شغّل OONI Probe لتسجيل ما هو محجوب، وشارك الأدلة مع شركاء يوثّقون قطع الإنترنت (تحالف #KeepItOn). تساعد القياسات على الطعن في الحجب وتحذير الآخرين.'],
      ru: ['Измерить и задокументировать блокировку', 'Там, где это безопасно, и с согласия человека запустите OONI Probe, чтобы зафиксировать блокировки, и передайте данные партнёрам, которые документируют отключения (коалиция #KeepItOn). Измерения помогают оспаривать блокировки и предупреждать других.'],
    }),
  ],
};

const SEEDED_PLAYBOOKS: readonly PlaybookSeed[] = [IMPERSONATION, LOST_DATA, SURVEILLANCE, INTIMATE_IMAGES, BLOCKED_INTERNET];

type Seeds = Kysely<{
  playbooks: { id: string; incident_type: string | null; active: number; sort: number; created_at: number; updated_at: number };
  playbook_names: { playbook_id: string; language: string; name: string };
  playbook_steps: { id: string; playbook_id: string; position: number; required: number; due_minutes: number | null; created_at: number; updated_at: number };
  playbook_step_texts: { step_id: string; language: string; title: string; guidance: string };
  case_playbooks: { case_id: number; playbook_id: string };
}>;

export async function up(db: Kysely<unknown>): Promise<void> {
  const seeds = db as unknown as Seeds;
  // An incident type that already has an active playbook (a helpline's own) is left as it is.
  const covered = new Set(
    (
      await seeds
        .selectFrom('playbooks')
        .select('incident_type')
        .where('active', '=', 1)
        .where('incident_type', 'in', SEEDED_PLAYBOOKS.map((p) => p.incidentType))
        .execute()
    ).map((r) => r.incident_type),
  );
  const missing = SEEDED_PLAYBOOKS.filter((p) => !covered.has(p.incidentType));
  if (missing.length === 0) return;
  const last = await seeds.selectFrom('playbooks').select(sql<number | string | null>`max(sort)`.as('m')).executeTakeFirst();
  const after = Number(last?.m ?? 0);
  await seeds
    .insertInto('playbooks')
    .values(
      missing.map((p, i) => ({
        id: p.id,
        incident_type: p.incidentType,
        active: 1,
        sort: after + (i + 1) * 10,
        created_at: SEEDED_AT,
        updated_at: SEEDED_AT,
      })),
    )
    .execute();
  await seeds
    .insertInto('playbook_names')
    .values(missing.flatMap((p) => Object.entries(p.names).map(([language, name]) => ({ playbook_id: p.id, language, name }))))
    .execute();
  await seeds
    .insertInto('playbook_steps')
    .values(
      missing.flatMap((p) =>
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
  // One statement per playbook (at most 35 rows of four values), well within SQLite's bound-parameter limit.
  for (const p of missing) {
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
  const seeds = db as unknown as Seeds;
  const ids = SEEDED_PLAYBOOKS.map((p) => p.id);
  const used = new Set((await seeds.selectFrom('case_playbooks').select('playbook_id').where('playbook_id', 'in', ids).execute()).map((r) => r.playbook_id));
  const gone = ids.filter((id) => !used.has(id));
  // Names, steps and their texts go with their playbook (on delete cascade).
  if (gone.length > 0) await seeds.deleteFrom('playbooks').where('id', 'in', gone).execute();
}
