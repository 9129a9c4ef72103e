## /stats: the programme over a period (bot/domain/stats.py)

stats-title = 📈 <b>Наставничество за { $first } — { $last }</b>
stats-title-department = 📈 <b>{ $name }: наставничество за { $first } — { $last }</b>
stats-total = <b>Всего</b>
{ $figures }
stats-department = <b>{ $name }</b>
{ $figures }
stats-more-departments = … и ещё { $count } ПЦК (они учтены во «Всего»; все — в /export).
stats-hint = Период и ПЦК можно указать: <code>/stats 01.09.2026 31.12.2026 ПЦК ИТ</code>
stats-pairs-active = { $count } { $count ->
    [one] активная
    [few] активные
   *[many] активных
}
stats-pairs-completed = { $count } { $count ->
    [one] завершена
    [few] завершены
   *[many] завершено
}
stats-pairs-ended = { $count } { $count ->
    [one] прекращена
    [few] прекращены
   *[many] прекращено
} досрочно
stats-line-pairs = • пары: { $pairs }
stats-line-plan = • план: в срок { $on_time } из { $due } { $due ->
    [one] этапа
   *[other] этапов
} ({ $percent } %)
stats-line-meetings = • проведено встреч: { $count } ({ $hours })
stats-line-visits = • посещения уроков: наставник у наставляемого — { $mentor }, наставляемый у наставника — { $mentee }
stats-line-open-lessons = • открытых уроков: { $count }
stats-line-questions = • задано вопросов: { $count }, ответов пока нет
stats-line-questions-answered = • задано вопросов: { $count }, ответ в среднем (медиана) через { $wait }
stats-line-nothing = • за этот период ничего не отмечено
stats-usage = Напишите период двумя датами и, если нужно, ПЦК: <code>/stats 01.09.2026 31.12.2026 ПЦК ИТ</code>. Без дат — с 1 сентября по сегодня.
stats-period-reversed = Первая дата периода позже второй. Пример: <code>/stats 01.09.2026 31.12.2026</code>
stats-no-department = ПЦК «{ $query }» не нашлась. Есть: { $names }.
stats-no-departments = Пока нет ни одной пары, и ПЦК считать не из чего.
stats-failed = ⚠️ Не получилось посчитать статистику. Попробуйте ещё раз через минуту; если не выйдет, сообщите тому, кто обслуживает бота.
stats-chart-caption = 📊 Встречи по неделям и выполнение плана в срок по ПЦК
chart-meetings = Проведено встреч по неделям
chart-completion = Этапы плана, выполненные в срок, % (по ПЦК)
stats-line-feedback-mentee = • анкеты наставляемых ({ $count }): { $averages }
stats-line-feedback-mentor = • анкеты наставников ({ $count }): { $averages }
stats-average = { $item } { $value }
stats-item-mentee-support = поддержка
stats-item-mentee-availability = доступность
stats-item-mentee-usefulness = польза встреч
stats-item-mentee-confidence = уверенность
stats-item-mentor-planning = планирование
stats-item-mentor-methods = методы
stats-item-mentor-classroom = управление группой
stats-item-mentor-documents = документация
stats-item-mentor-self-education = самообразование
stats-line-comments = • комментариев в анкетах: { $count } — читайте их в /export (лист «Анкеты») и в отчётах
