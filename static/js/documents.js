// Upload forms: refuse a file over the size limit before sending it over one bar of signal.
function megabytes(bytes) {
  return `${Math.round(bytes / 1048576)} MB`;
}

function checkFileSize(input) {
  const limit = Number(input.dataset.maxBytes);
  const file = input.files && input.files[0];
  const message = file && limit && file.size > limit
    ? `The file is larger than ${megabytes(limit)}. Export a smaller copy or split it into parts.`
    : "";
  input.setCustomValidity(message);
  const error = input.closest("label")?.querySelector("[data-file-error]");
  if (error) error.textContent = message;
  input.toggleAttribute("aria-invalid", Boolean(message));
}

function wireUploadForms() {
  for (const input of document.querySelectorAll("[data-upload-form] input[type=file][data-max-bytes]")) {
    input.addEventListener("change", () => checkFileSize(input));
  }
}

wireUploadForms();
