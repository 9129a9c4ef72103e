## The roster import: a file refused as a whole, reasons a row was skipped, and the summary.

-roster-columns-hint = Нужна строка заголовка (над ней может быть название списка): ФИО (или Фамилия; Имя; Отчество); Роль; Telegram; ПЦК; Наставник; Вид; Начало; Окончание; Приказ.

roster-refused-too-big = Файл слишком большой: список должен быть не больше { $max_mb } МБ.
roster-refused-xls = Это файл старого формата Excel (.xls). Сохраните его как «Книга Excel (.xlsx)» или «CSV (разделители — точка с запятой)» и пришлите снова.
roster-refused-bad-xlsx = Не удалось прочитать файл Excel: он повреждён или это не таблица. Откройте его в Excel, сохраните как .xlsx или .csv и пришлите снова.
roster-refused-not-roster = Это не список людей: пришлите таблицу в формате .xlsx или .csv.
roster-refused-unreadable = Не удалось прочитать таблицу CSV. Сохраните её из Excel как «CSV (разделители — точка с запятой)» и пришлите снова.
roster-refused-empty = Файл пустой: в нём нет ни заголовка, ни строк. { -roster-columns-hint }
roster-refused-too-many-rows = В файле слишком много строк: не больше { $max ->
    [one] { $max } строки
   *[other] { $max } строк
} за один раз. Разделите список на части.
roster-refused-missing-columns = { $missing ->
    [full_name] В заголовке (строка { $line }) нет обязательного столбца «ФИО» или столбцов «Фамилия» и «Имя».
    [role] В заголовке (строка { $line }) нет обязательного столбца «Роль».
   *[all] В заголовке (строка { $line }) нет обязательных столбцов «ФИО» и «Роль».
} { -roster-columns-hint }
roster-refused-no-header = { $last ->
    [1] В строке 1 нет заголовка со столбцами «ФИО» и «Роль».
   *[other] Заголовок со столбцами «ФИО» и «Роль» не найден: его искали в строках 1–{ $last }.
} { -roster-columns-hint }

## A row is skipped: "строка K: <reason>".

roster-column = { $column ->
    [full_name] ФИО
    [last_name] Фамилия
    [first_name] Имя
    [middle_name] Отчество
    [role] Роль
    [telegram] Telegram
    [department] ПЦК
    [mentor] Наставник
    [kind] Вид
    [start] Начало
    [end] Окончание
   *[order] Приказ
}

roster-row-no-name = не указано ФИО
roster-row-no-name-part = не заполнен столбец «{ roster-column }»
roster-row-unbalanced-quote = кавычка не закрыта: «{ $value }» — строка пропущена, а следующие прочитаны отдельно; закройте или уберите кавычку
roster-row-no-role = не указана роль
roster-row-bad-role = непонятная роль «{ $value }» — укажите: наставник, наставляемый или методист
roster-row-bad-telegram = непонятный Telegram «{ $value }»: укажите числовой id или @username (от 5 до 32 символов: латинские буквы, цифры или _)
roster-row-bad-kind = непонятный вид наставничества «{ $value }» — укажите: педагогический или бизнес
roster-row-bad-date = непонятная дата в столбце «{ roster-column }»: «{ $value }»; пишите ДД.ММ.ГГГГ
roster-row-date-out-of-range = дата { $value } в столбце «{ roster-column }» вне допустимых: с { $min } по { $max }
roster-row-end-before-start = дата окончания раньше даты начала
roster-row-no-default-end = через год после начала { $start } будет позже { $max }: укажите «Окончание»
roster-row-too-long = слишком длинное значение в столбце «{ roster-column }»: не больше { $max } символов
roster-row-ambiguous-name = в базе уже несколько человек с ФИО «{ $name }»: укажите в строке Telegram нужного
roster-row-ambiguous-username = @{ $username } записан у нескольких человек: укажите числовой id Telegram
roster-row-identity-conflict = Telegram { $telegram } в базе — это «{ $owner }», а ФИО «{ $name }» — другой человек
roster-row-account-in-use = Telegram { $telegram } — это «{ $owner }», и под этим именем бот уже знает этого человека, а в строке — «{ $name }»; проверьте Telegram в строке
roster-row-admin-kept = «{ $name }» пользуется ботом как администратор: файл не снимает права администратора — роль такого человека меняется в его карточке (/people)
roster-row-admin-by-username = «{ $name }» { GENDER($name) ->
    [female] вошла
   *[other] вошёл
} в бот только по имени пользователя Telegram: права администратора файлом так не выдаются — укажите в строке числовой Telegram id или выдайте права в карточке (/people)
roster-row-role-locked = нельзя сменить роль: у { GEN($name) } есть действующие пары; сначала завершите их или передайте другому наставнику
roster-row-repeat-differs = этот человек уже есть в строке { $first }, но с другими данными
roster-row-mentor-not-found = наставник «{ $mentor }» не найден: добавьте в файл его строку с ролью «наставник»
roster-row-mentor-not-mentor = «{ $mentor }» не { GENDER($mentor) ->
    [female] записана
   *[other] записан
} наставником
roster-row-mentor-ambiguous = несколько наставников подходят под «{ $mentor }»: укажите ФИО полностью или Telegram
roster-row-conflict = строка противоречит уже записанным данным

## The summary the bot replies with.

roster-summary-title = <b>Список загружен.</b>
roster-summary-added = { $count ->
    [one] Добавлен { $count } человек
    [few] Добавлено { $count } человека
   *[many] Добавлено { $count } человек
}
roster-summary-updated = { $count ->
    [one] Обновлён { $count } человек
    [few] Обновлено { $count } человека
   *[many] Обновлено { $count } человек
}
roster-summary-unchanged = { $count ->
    [one] Без изменений: { $count } человек
    [few] Без изменений: { $count } человека
   *[many] Без изменений: { $count } человек
}
roster-summary-pairs = { $count ->
    [one] Сформирована { $count } пара
    [few] Сформированы { $count } пары
   *[many] Сформировано { $count } пар
}
roster-summary-no-errors = Ошибок нет.
roster-summary-errors = { $count ->
    [one] <b>{ $count } строка с ошибкой</b> — она пропущена:
    [few] <b>{ $count } строки с ошибками</b> — они пропущены:
   *[many] <b>{ $count } строк с ошибками</b> — они пропущены:
}
roster-summary-error = строка { $line }: { $reason }
roster-summary-more-errors = { $count ->
    [one] …и ещё { $count } строка с ошибкой.
    [few] …и ещё { $count } строки с ошибками.
   *[many] …и ещё { $count } строк с ошибками.
}
