## Roles and kinds
role-mentee = наставляемый
role-mentor = наставник
role-admin = администратор программы
role-with-admin = { $role } и администратор программы
# The role of a person named $name, agreeing with them («Вы — наставляемая»)
role-of-mentee = { GENDER($name) ->
    [female] наставляемая
   *[other] наставляемый
}
role-of-mentor = наставник
role-of-admin = администратор программы
pair-kind-pedagogical = педагогическое наставничество
pair-kind-business = бизнес-наставничество
no-username = без @username

## Commands (the menu next to the input field)
command-start = начать, показать меню
command-help = что умеет бот
command-cancel = отменить текущее действие
command-people = люди: список, роли, ПЦК
command-invite = ссылка-приглашение для человека из списка
command-pair = сформировать пару
command-pairs = активные пары: смена наставника, завершение
command-digest = еженедельная сводка по парам и ПЦК
command-stats = статистика программы за период, по ПЦК
command-overdue = пары с просроченными этапами
command-inactive = пары, где давно не было встреч
command-export = выгрузка в Excel (XLSX) или CSV за период
command-report = отчёт о программе для педсовета (DOCX)
command-import = импорт списка сотрудников (CSV или XLSX)
command-mentees = мои наставляемые: план, встречи, вопросы
command-plan = индивидуальный план: этапы, сроки, отметки
command-meet = назначить встречу или записать прошедшую
command-journal = журнал наставничества: встречи и часы
command-ask = задать вопрос наставнику
command-questions = вопросы наставляемых без ответа

## Reply keyboard
menu-my-pairs = 🤝 Мои пары
menu-plan = 📝 План
menu-meet = 📅 Встреча
menu-journal = 📒 Журнал
menu-ask = ❓ Вопрос наставнику
menu-questions = 💬 Вопросы
menu-help = ❓ Помощь
menu-people = 👥 Люди
menu-pairs = 📋 Пары
menu-new-pair = ➕ Новая пара
menu-invite = 🔗 Приглашение
menu-import = 📥 Импорт списка

## Buttons
button-cancel = ✖️ Отмена
button-back = ⬅️ Назад
button-prev = ◀️
button-next = ▶️
button-approve = ✅ Одобрить
button-decline = ❌ Отклонить
button-link-to-roster = 🔗 Это человек из списка
page-of = { $page } / { $pages }

## The line that counts what a long list leaves out
list-more-pairs = { $count ->
    [one] … и ещё { $count } пара
    [few] … и ещё { $count } пары
   *[many] … и ещё { $count } пар
}

## General answers
done = Готово
cancelled = Действие отменено.
form-already-closed = Эта форма уже закрыта; та, что открыта сейчас, не тронута.
nothing-to-cancel = Отменять нечего: вы не заполняете никакую форму.
private-only = Я работаю только в личных сообщениях. Напишите мне в личный чат.
stale-button = Эта кнопка устарела или недоступна вам. Откройте меню заново.
admin-only = Эта команда доступна только администраторам программы.
unknown-command = Такой команды нет. Список команд — /help.
command-for-pair-people = Команда /{ $command } — для наставников и наставляемых в паре. Ваши команды — /help.
unknown-message = Я не понял сообщение. Воспользуйтесь кнопками меню или /help.
form-unexpected-input = Сейчас я жду другой ответ — посмотрите на последний вопрос выше. Выйти из формы: /cancel.
form-admin-rights-gone = У вас больше нет прав администратора, поэтому эта форма закрыта. Ничего из неё не сохранено.
form-gone = Эта форма устарела после обновления бота и закрыта: начните, пожалуйста, заново.
error-generic = Что-то пошло не так, и действие не выполнено. Ваши данные не изменились; попробуйте ещё раз.
error-after-save = ✅ Сохранено, но показать ответ не удалось: сбой связи с Telegram. Повторять действие не нужно — откройте раздел заново, изменения уже там.
error-after-save-bug = ✅ Сохранено, но дальше произошла ошибка, и показать результат не удалось. Повторять действие не нужно — откройте раздел заново, изменения уже там.
error-db-refused = ⚠️ Не удалось сохранить: база данных сейчас недоступна. Ничего не изменилось — попробуйте ещё раз через минуту.
error-db-refused-after-save = ⚠️ Сохранено не всё: база данных перестала принимать записи посреди действия. Откройте раздел заново, проверьте, что изменилось, и повторите остальное через минуту.
reason-empty = Причина не может быть пустой: напишите её одной-двумя фразами.
too-long = Слишком длинный текст: не больше { $limit } символов. Сократите и пришлите снова.
search-hint = Выберите из списка или пришлите часть фамилии для поиска.
search-nothing-found = Никого не нашлось. Пришлите другую часть фамилии или нажмите «Отмена».

## /start
start-greeting = Здравствуйте, <b>{ ADDRESS($name) }</b>! Вы — { $role }.
start-your-pairs-mentor = Ваши наставляемые:
start-your-pairs-mentee = Ваши наставники:
start-no-pairs-mentor = Наставляемых у вас пока нет: пары назначает методический кабинет.
start-no-pairs-mentee = Наставник вам пока не назначен: пары назначает методический кабинет.
start-admin-hint = Люди, пары и импорт списка — в меню ниже.
start-help-hint = Все команды — /help.
start-request-new = Здравствуйте! Я пока не знаю вас. Я отправил запрос на доступ администраторам программы наставничества; как только его рассмотрят, я напишу. Ускорить можно, попросив в методическом кабинете личную ссылку-приглашение.
start-request-pending = Ваш запрос на доступ уже у администраторов. Как только его рассмотрят, я напишу.
start-request-declined = Доступ к боту вам не открыт. Если это ошибка, обратитесь в методический кабинет колледжа.
start-deactivated = Ваша учётная запись в программе наставничества закрыта. Если это ошибка, обратитесь в методический кабинет.
start-invite-unknown = Ссылка-приглашение недействительна. Попросите в методическом кабинете новую ссылку.
start-invite-used = Эта ссылка-приглашение уже использована. Если это были не вы, обратитесь в методический кабинет.
start-invite-expired = Срок действия ссылки-приглашения истёк. Попросите в методическом кабинете новую.
start-invite-for-someone-else = Эта ссылка-приглашение выдана другому человеку, а ваш Telegram уже привязан к вашей учётной записи.

## /help
help-title = <b>Что я умею</b>
help-guide = Подробно — в памятке: кнопка ниже.
guide-button-mentee = 📖 Памятка наставляемого
guide-button-mentor = 📖 Памятка наставника
guide-button-admin = 📖 Памятка методиста
help-stranger = Я — бот программы наставничества колледжа. Чтобы получить доступ, отправьте /start или попросите в методическом кабинете личную ссылку-приглашение.

## Pairs in lists
pair-line = { $mentee } ← { $mentor } ({ $kind }, { $start } – { $end })
pair-line-my-mentor = { $other } ({ $kind }, до { $end })
pair-line-my-mentee = { $other } ({ $kind }, до { $end })

## Access requests
access-request = 🙋 <b>Запрос доступа</b>
    { $name }, { $username }, Telegram id { $telegram_id }.
    Одобрить — выбрать роль или найти человека в списке; отклонить — человек получит отказ.
access-request-admin-row = ⚠️ { $username } — это Telegram администратора из списка: <b>{ $name }</b>. Права администратора не выдаются по одному имени пользователя: если это он или она, нажмите «✅ Одобрить» → «🔗 Это человек из списка».
access-choose-role = Кем будет <b>{ $name }</b> в программе?
access-confirm-admin-question = Сделать администратором программы: <b>{ $name }</b>? Администратор видит всех людей и пары и может их менять.
access-confirm-admin = ⭐ Да, сделать администратором
access-choose-person = Кто из списка — <b>{ $name }</b>?
access-no-unlinked = Все люди из списка уже открыли бота. Одобрите запрос с новой ролью.
access-approved-by = ✅ Запрос одобрен. От кого: { $name }. В программе: { $person }, { $role }. Решение: { $admin }.
access-declined-by = ❌ Запрос отклонён. От кого: { $name }. Решение: { $admin }.
access-settled-linked = ✅ Запрос закрыт: { $name } — это { $person } из списка; доступ открыт по приглашению или по Telegram, указанному в списке.
access-already-decided = Этот запрос уже рассмотрен другим администратором.
access-account-taken = Этот Telegram уже привязан к человеку в списке.
access-person-linked = Этот человек уже открыл бота со своего Telegram. Выберите другого.
access-no-such-person = Такого человека нет в списке. Выберите другого.
access-granted = Доступ открыт. Здравствуйте, <b>{ ADDRESS($name) }</b>! Вы — { $role }. Нажмите /start, чтобы открыть меню.
access-denied = Администратор отклонил ваш запрос на доступ. Если это ошибка, обратитесь в методический кабинет колледжа.

## /people
people-title = { $count ->
    [one] В списке { $count } человек.
    [few] В списке { $count } человека.
   *[many] В списке { $count } человек.
}
people-none = Никого не нашлось. Добавьте людей через /import или измените фильтр.
people-legend = ⏳ — ещё не открывали бота, 🚫 — выбыли из программы.
people-filter-all = Все
people-filter-mentor = Наставники
people-filter-mentee = Наставляемые
people-filter-admin = Администраторы
people-filter-department = ПЦК: { $department } ▾
people-all-departments = все
people-choose-department = Выберите ПЦК:
role-short-mentee = наставляемый
role-short-mentor = наставник
role-short-admin = администратор
person-card = <b>{ $name }</b>
    Роль: { $role }
    ПЦК: { $department }
    Telegram: { $telegram }
    Статус: { $status }
person-telegram-id = id { $telegram_id }
person-telegram-unknown = не указан
person-not-seen = { $telegram }, { GENDER($name) ->
    [female] ещё не открывала
   *[other] ещё не открывал
} бота
person-active = участвует в программе
person-inactive = { GENDER($name) ->
    [female] выбыла
   *[other] выбыл
} из программы (история сохранена)
person-pairs = Активные пары:
person-change-role = 🎭 Изменить роль
person-change-department = 🏢 Изменить ПЦК
person-grant-admin = ⭐ Дать права администратора
person-revoke-admin = Снять права администратора
person-invite = 🔗 Ссылка-приглашение
person-deactivate = 🚫 Выбыл из программы
person-reactivate = ↩️ Вернуть в программу
person-choose-role = Выберите новую роль:
person-ask-department = Выберите ПЦК из списка или пришлите название новой.
person-has-active-pairs = У этого человека есть активные пары. Сначала завершите их или передайте наставляемого другому наставнику — в /pairs.
person-admin-by-role = Права администратора даёт роль «администратор программы»: чтобы их снять, измените роль.
person-not-yourself = Это нельзя сделать с собственной учётной записью: попросите другого администратора.
person-gender = Род в сообщениях бота: { $gender ->
    [f] женский
    [m] мужской
   *[none] не указан (по ФИО не понять)
}
person-set-female = 👩 Женский род
person-set-male = 👨 Мужской род
person-rename = ✏️ Исправить ФИО
person-ask-name = Пришлите ФИО полностью: фамилия, имя, отчество. Сейчас: <b>{ $name }</b>.
person-name-empty = В ФИО нет ни одной буквы. Пришлите фамилию, имя и отчество.

## /invite
invite-choose = Для кого ссылка-приглашение? Здесь люди из списка, которые ещё не открывали бота. Тех, чей Telegram указан в списке, бот узнает и без ссылки.
invite-everyone-linked = Все люди из списка уже открыли бота.
invite-impossible = Для этого человека ссылку сделать нельзя: бот его уже знает, или человек выбыл из программы.
invite-link = 🔗 Личная ссылка-приглашение. Кому: <b>{ $name }</b>.
    { $link }
    Одноразовая, действует до { $expires }. Перешлите её: по ней бот узнает { ACC($name) }.

## /import (the roster texts themselves are in roster.ftl)
roster-send-file = 📥 Пришлите файл со списком сотрудников: CSV (UTF-8 или Windows-1251, разделитель «;» или «,») или XLSX, до 2 МБ.
    Столбцы: ФИО, Роль (наставник / наставляемый / методист), Telegram, ПЦК, а для наставляемых — Наставник, Вид, Начало, Окончание, Приказ. Образцы — выше: заполните любой из них и пришлите.
roster-sample-xlsx = Образец для Excel: одна строка — один человек, наставляемый — со своим наставником.
roster-sample-xlsx-file = образец_списка.xlsx
roster-sample-csv = Тот же образец в CSV (разделитель «;»).
roster-sample-csv-file = образец_списка.csv
roster-expecting-file = Я жду файл CSV или XLSX. Пришлите его как документ (скрепка → Файл) или нажмите /cancel.
roster-use-import-first = Чтобы импортировать список сотрудников, сначала отправьте /import, затем файл.
roster-refused = ⛔ Файл не принят, ничего не изменено.
    { $reason }
mydata-summary = 📄 <b>Что бот хранит о вас</b>
    ФИО: { $name }
    Роль: { $role }
    ПЦК: { $department }
    Telegram: { $username } (id { $telegram })
    В программе с { $since }
    Пар: { $pairs } · этапов плана: { $milestones } · встреч: { $meetings } · вопросов: { $questions } · ваших анкет: { $forms }
    Выключенных напоминаний: { $off } · сообщений вам: { $messages }
    Это данные программы наставничества колледжа: их видите вы, участники ваших пар (то, что касается пары) и методисты. Всё подробно — в файле ниже.
mydata-request = 📄 Вы ещё не в программе. Бот хранит только ваш запрос на доступ: имя «{ $name }», @username и id Telegram, когда вы написали и что решили методисты. Подробно — в файле ниже.
mydata-nothing = 📄 Бот ничего о вас не хранит: вас нет в программе, и запроса на доступ вы не отправляли.
mydata-file = Все записи о вас в формате JSON.
