// Confirms the milestone's PaymentIntent with Stripe.js: the card goes from this page to
// Stripe only. The order page shows the payment once Stripe's signed webhook arrives.
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var errors = document.getElementById("card-errors");
  var button = document.getElementById("card-submit");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    stripe.confirmCardPayment(form.dataset.clientSecret, { payment_method: { card: card } })
      .then(function (result) {
        if (result.error || !result.paymentIntent || result.paymentIntent.status !== "succeeded") {
          errors.textContent = (result.error && result.error.message) || form.dataset.failedText;
          button.disabled = false;
          return;
        }
        window.location.assign(form.dataset.doneUrl);
      });
  });
})();
