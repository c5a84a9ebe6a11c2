'use strict';
// Move an interview's questions and answers up or down. Progressive enhancement: without this
// script the position numbers decide the order, as they do after it (it renumbers them).
{
    const GROUP = '#segments-group';

    function rows(group) {
        return Array.from(group.querySelectorAll('.inline-related:not(.empty-form)'));
    }

    function renumber(group) {
        rows(group).forEach((row, index) => {
            const position = row.querySelector('input[name$="-position"]');
            if (position) {
                position.value = index + 1;
            }
        });
    }

    function move(row, step) {
        const group = row.closest(GROUP);
        const all = rows(group);
        const target = all[all.indexOf(row) + step];
        if (!target) {
            return;
        }
        target.parentNode.insertBefore(row, step < 0 ? target : target.nextSibling);
        renumber(group);
        row.querySelector('.segment-move-' + (step < 0 ? 'up' : 'down')).focus();
    }

    function addButtons(row) {
        if (row.classList.contains('empty-form') || row.querySelector('.segment-move')) {
            return;
        }
        const tools = document.createElement('div');
        tools.className = 'segment-move';
        for (const [label, step, name] of [['Move up', -1, 'up'], ['Move down', 1, 'down']]) {
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'button segment-move-' + name;
            button.textContent = label;
            button.addEventListener('click', () => move(row, step));
            tools.appendChild(button);
        }
        row.insertBefore(tools, row.querySelector('fieldset') || row.firstChild);
    }

    function init() {
        const group = document.querySelector(GROUP);
        if (!group) {
            return;
        }
        rows(group).forEach(addButtons);
        renumber(group); // a new interview's first exchange reads 1, not 0
        // Django's inlines.js announces exchanges added with "Add another".
        document.addEventListener('formset:added', (event) => {
            if (event.target.closest(GROUP)) {
                addButtons(event.target);
                renumber(group);
            }
        });
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
}
