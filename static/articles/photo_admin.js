'use strict';
// Photo admin helpers, progressive enhancement only (the forms work without them):
// thumbnails in the lead-photo autocomplete, and a click on the preview sets the focal point.
{
    const $ = django.jQuery;

    function renderPhoto(data) {
        if (!data.id) {
            return data.text;
        }
        const thumb = data.thumb || (data.element && data.element.dataset.thumb);
        const $row = $('<span class="photo-choice"></span>');
        if (thumb) {
            $row.append($('<img alt="" width="48" height="48">').attr('src', thumb));
        }
        const $text = $('<span class="photo-choice-text"></span>').text(data.text);
        if (data.credit) {
            $text.append($('<small></small>').text('Photo: ' + data.credit));
        }
        $row.append($text);
        return $row;
    }

    function initPhotoChooser(element) {
        const $el = $(element);
        if ($el.data('select2')) {
            $el.select2('destroy');
        }
        $el.select2({
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: element.dataset.appLabel,
                    model_name: element.dataset.modelName,
                    field_name: element.dataset.fieldName
                })
            },
            templateResult: renderPhoto,
            templateSelection: renderPhoto
        });
    }

    function initFocalPoint(box) {
        const form = box.closest('form');
        const inputX = form && form.querySelector('[name=focal_x]');
        const inputY = form && form.querySelector('[name=focal_y]');
        const mark = box.querySelector('.photo-focal-mark');
        if (!inputX || !inputY) {
            return;
        }
        box.classList.add('is-clickable');
        box.title = 'Click the subject to keep it in view in cropped versions';
        box.addEventListener('click', (event) => {
            const rect = box.querySelector('img').getBoundingClientRect();
            const x = Math.round((event.clientX - rect.left) / rect.width * 100);
            const y = Math.round((event.clientY - rect.top) / rect.height * 100);
            inputX.value = Math.min(100, Math.max(0, x));
            inputY.value = Math.min(100, Math.max(0, y));
            mark.style.left = inputX.value + '%';
            mark.style.top = inputY.value + '%';
        });
    }

    $(function() {
        $('select[data-photo-thumbs]').not('[name*=__prefix__]').each((i, el) => initPhotoChooser(el));
        document.querySelectorAll('.photo-focal').forEach(initFocalPoint);
    });
}
