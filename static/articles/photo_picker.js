'use strict';
// The photo picker window: hand the chosen photo back to the rich-text editor that opened it
// (django-prose-editor speaks CKEditor's file-browser protocol), then close.
{
    document.addEventListener('click', (event) => {
        const button = event.target.closest('.photo-picker-insert');
        const picker = document.querySelector('.photo-picker');
        if (!button || !picker || !window.opener || !window.opener.CKEDITOR) {
            return;
        }
        window.opener.CKEDITOR.tools.callFunction(Number(picker.dataset.callback), button.dataset.src, {
            id: button.dataset.id,
            alternative_text: button.dataset.alt,
            caption: button.dataset.caption,
        });
        window.close();
    });
}
