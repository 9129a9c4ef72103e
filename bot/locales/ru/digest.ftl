## The weekly digest for the admins (bot/domain/digest.py, /digest)

digest-title = 📊 <b>Сводка по наставничеству</b> за { $since } — { $until }
digest-total = <b>Всего:</b> { $numbers }
digest-department = <b>{ $name }:</b> { $numbers }
digest-no-department = Без ПЦК
digest-numbers = { $pairs } { $pairs ->
    [one] активная пара
    [few] активные пары
   *[many] активных пар
}{ $meetings ->
    [0] {""}
   *[other] {"\u000A"}• проведено встреч: { $meetings } ({ $hours })
}{ $accepted ->
    [0] {""}
   *[other] {"\u000A"}• принято этапов: { $accepted }
}{ $overdue ->
    [0] {""}
   *[other] {"\u000A"}• просрочено этапов: { $overdue }
}{ $asked ->
    [0] {""}
   *[other] {"\u000A"}• задано вопросов: { $asked }
}{ $unanswered ->
    [0] {""}
   *[other] {"\u000A"}• вопросов без ответа: { $unanswered }
}{ $inactive ->
    [0] {""}
   *[other] {"\u000A"}• пар без встреч: { $inactive }
}
digest-more-departments = … и ещё { $count } ПЦК (они учтены во «Всего»).
digest-attention = ⚠️ <b>Требуют внимания: { $count } { $count ->
    [one] пара
    [few] пары
   *[many] пар
}</b> (страница { $page } из { $pages })
digest-attention-none = ✅ Пар, требующих внимания, нет.
digest-attention-line = { $number }. { $mentor } — { $mentee }: { $reasons }
digest-more-pairs = … и ещё { $count } на этой странице.
digest-reason-overdue = просрочено этапов: { $count }
digest-reason-unanswered = вопросов без ответа: { $count }
digest-reason-inactive = без встреч { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}
digest-reason-plan = план не утверждён
digest-button-pair = { $number }. { $mentee }
digest-button-back = ◀️ Назад
digest-button-next = Дальше ▶️

## /overdue and /inactive: the attention list by one reason
concern-title-overdue = ⏰ <b>Просроченные этапы: { $count } { $count ->
    [one] пара
    [few] пары
   *[many] пар
}</b> (страница { $page } из { $pages })
concern-title-inactive = 💤 <b>Давно не было встреч: { $count } { $count ->
    [one] пара
    [few] пары
   *[many] пар
}</b> (страница { $page } из { $pages })
concern-none-overdue = ✅ Пар с просроченными этапами нет.
concern-none-inactive = ✅ Пар, где давно не было встреч, нет.
