# A mentor's overview of their mentees (/mentees).
mentees-head = <b>Мои наставляемые</b>
mentees-none = У вас пока нет действующих пар наставничества.
mentees-entry =
    <b>{ $name }</b> · { $kind }
    { $overview }
pair-overview =
    📝 План: принято { $accepted } из { $total }{ $overdue ->
        [0] {""}
       *[other] , просрочено { $overdue }
    }
    📅 Следующая встреча: { $next }
    📒 Последняя проведённая: { $last }
    💬 Вопросов без ответа: { $questions }
mentees-nothing = —
mentees-more = … и ещё { $count ->
        [one] { $count } наставляемый
        [few] { $count } наставляемых
       *[many] { $count } наставляемых
    }
mentees-mentors-only = Список наставляемых — для наставников. Ваш план — /plan, вопрос наставнику — /ask.
