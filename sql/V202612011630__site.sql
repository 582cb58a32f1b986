-- How members pay, as the pages tell them: the bank account a transfer goes to, the PayPal page a payment is made on.
-- Read through api.site_get (with site_name and the time zone), set through api.setting_set like any other setting.

insert into dues.setting (name, value, type, optional, description) values
    ('bank_transfer_account', '', 'text', true,
     'Bank account members send transfers to (IBAN and BIC, or account and routing numbers), shown with what to pay; '
     'empty: no bank transfer is offered'),
    ('paypal_payment_url', '', 'url', true,
     'PayPal page members pay on (e.g. https://www.paypal.com/paypalme/yourclub), shown with what to pay; '
     'empty: no PayPal link is offered');
